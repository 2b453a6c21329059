import { CreateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, type LivePointer, type TrainingJobStateChangeEvent } from '@digits/common';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import type { Clients } from '../../src/services';
import { ARTIFACTS, ENDPOINT, PREFIX, ROLE_ARN, completedJob, fakeS3, fakeSageMaker, stateChange } from '../aws-fakes';

// The function builds its clients once; here they are the in-memory fakes.
const mockClients = {} as Clients;
jest.mock('../../src/services', () => {
  const actual = jest.requireActual('../../src/services');
  return { ...actual, createServices: (settings: never) => actual.createServices(settings, mockClients) };
});

const s3 = fakeS3();
const sm = fakeSageMaker();
let handler: (typeof import('../../src/handlers/deploy-model'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(mockClients, { s3: s3.client, sagemaker: sm.client });
  Object.assign(process.env, {
    LOG_LEVEL: 'info',
    ARTIFACTS_BUCKET: ARTIFACTS,
    ENDPOINT_NAME: ENDPOINT,
    TRAINING_JOB_PREFIX: PREFIX,
    SAGEMAKER_ROLE_ARN: ROLE_ARN,
    GATE_MIN_ACCURACY: '0.98',
    GATE_MAX_REGRESSION: '0.005',
    ENDPOINT_MODE: 'serverless',
    SERVERLESS_MEMORY_MB: '2048',
    SERVERLESS_MAX_CONCURRENCY: '5',
    ENDPOINT_INSTANCE_TYPE: 'ml.m5.large',
    ENDPOINT_INSTANCE_COUNT: '1',
  });
  ({ handler } = await import('../../src/handlers/deploy-model'));
});
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

describe('handlers/deploy-model', () => {
  it('deploys a completed job that passes the gate and points live.json at it', async () => {
    const job = `${PREFIX}-mnist-aaaa-1111111111`;
    sm.jobs.set(job, completedJob(job, 0.99));

    const out = await handler(stateChange({ TrainingJobName: job }), lambdaContext('deployModel'));

    expect(out).toMatchObject({ action: 'deployed' });
    expect(sm.mock.commandCalls(CreateEndpointCommand)).toHaveLength(1);
    expect(s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY)).toMatchObject({ trainingJobName: job });
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
    const job = `${PREFIX}-mnist-bbbb-2222222222`;
    sm.mock
      .on(CreateEndpointCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    sm.jobs.set(job, completedJob(job, 0.995));
    sm.endpoints.clear();

    await expect(handler(stateChange({ TrainingJobName: job }), lambdaContext('deployModel'))).rejects.toThrow(
      'Rate exceeded',
    );
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'ThrottlingException', permanent: false }),
    ]);
  });
});
