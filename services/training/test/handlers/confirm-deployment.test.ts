import { REGISTRY_LIVE_KEY, type LivePointer } from '@digits/common';
import { lambdaContext } from '@digits/lambda-kit/testing';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';
import { fakes } from '../fake-services';
import { DEPLOY_ENV, ROLLBACK_ENV } from '../function-env';
import { ARTIFACTS, ENDPOINT, PREFIX, completedJobWithArtifact, endpointStateChange, settle } from '../aws-fakes';

jest.mock('../../src/services', () =>
  jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
);

const { s3, sm } = fakes;
let confirm: (typeof import('../../src/handlers/confirm-deployment'))['handler'];
let deploy: (typeof import('../../src/handlers/deploy-model'))['handler'];

beforeAll(async () => {
  Object.assign(process.env, DEPLOY_ENV, ROLLBACK_ENV);
  ({ handler: confirm } = await import('../../src/handlers/confirm-deployment'));
  ({ handler: deploy } = await import('../../src/handlers/deploy-model'));
});

describe('handlers/confirm-deployment', () => {
  it('moves live.json when the endpoint state change says InService with the deployed config', async () => {
    const job = `${PREFIX}--mnist-cccc-3333333333-a1`;
    sm.jobs.set(job, completedJobWithArtifact(s3, job, 0.99));
    await deploy(stateChange({ TrainingJobName: job }), lambdaContext('deployModel'));
    settle(sm);

    const out = await confirm(endpointStateChange(sm, ENDPOINT), lambdaContext('confirmDeployment'));

    expect(out).toMatchObject({ action: 'moved', to: job });
    expect(s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY)).toMatchObject({ trainingJobName: job });
  });
});
