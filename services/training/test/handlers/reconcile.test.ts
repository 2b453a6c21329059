import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { lambdaContext } from '@digits/lambda-kit/testing';
import { fakes } from '../fake-services';
import { RECONCILE_ENV } from '../function-env';
import { manifest, putManifest } from '../aws-fakes';

jest.mock('../../src/services', () =>
  jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
);

const { s3, sm } = fakes;
let handler: (typeof import('../../src/handlers/reconcile'))['handler'];

beforeAll(async () => {
  Object.assign(process.env, RECONCILE_ENV);
  ({ handler } = await import('../../src/handlers/reconcile'));
});

describe('handlers/reconcile', () => {
  it('on its schedule, starts training for a manifest that has no job and reports the endpoint', async () => {
    putManifest(s3, manifest('mnist', 'v-1111111111111111'));
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

    const out = await handler(scheduled, lambdaContext('reconcile'));

    expect(out).toMatchObject({
      training: [{ key: 'mnist/v-1111111111111111/manifest.json', status: 'started', attempt: 1 }],
      endpoint: { action: 'no-endpoint' },
    });
    expect(sm.mock.commandCalls(CreateTrainingJobCommand)).toHaveLength(1);
  });
});
