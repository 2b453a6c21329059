import { CreateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, type LivePointer, type TrainingJobStateChangeEvent } from '@digits/common';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { fakes } from '../fake-services';
import { DEPLOY_ENV } from '../function-env';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';
import { ARTIFACTS, PREFIX, completedJobWithArtifact } from '../aws-fakes';

jest.mock('../../src/services', () =>
  jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
);

const { s3, sm } = fakes;
let handler: (typeof import('../../src/handlers/deploy-model'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(process.env, DEPLOY_ENV);
  ({ handler } = await import('../../src/handlers/deploy-model'));
});
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

describe('handlers/deploy-model', () => {
  it('deploys a completed job that passes the gate; live.json waits for the endpoint to be InService', async () => {
    const job = `${PREFIX}--mnist-aaaa-1111111111`;
    sm.jobs.set(job, completedJobWithArtifact(s3, job, 0.99));

    const out = await handler(stateChange({ TrainingJobName: job }), lambdaContext('deployModel'));

    expect(out).toMatchObject({ action: 'deploy-requested', sync: { action: 'endpoint-not-in-service' } });
    expect(sm.mock.commandCalls(CreateEndpointCommand)).toHaveLength(1);
    expect(s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY)).toBeUndefined();
  });

  it('an event that is not a training state change is logged once and not retried', async () => {
    const event = {
      ...stateChange({ TrainingJobName: 'x' }),
      source: 'aws.s3',
    } as unknown as TrainingJobStateChangeEvent;

    const out = await handler(event, lambdaContext('deployModel'));

    expect(out).toMatchObject({ failed: { errorType: 'TrainingRequestError' }, retried: false });
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', permanent: true, function_name: 'deployModel' }),
    ]);
  });

  it('a SageMaker fault reaches Lambda, so it retries the event', async () => {
    const job = `${PREFIX}--mnist-bbbb-2222222222`;
    sm.mock
      .on(CreateEndpointCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    sm.jobs.set(job, completedJobWithArtifact(s3, job, 0.995));
    sm.endpoints.clear();

    await expect(handler(stateChange({ TrainingJobName: job }), lambdaContext('deployModel'))).rejects.toThrow(
      'Rate exceeded',
    );
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'ThrottlingException', permanent: false }),
    ]);
  });
});
