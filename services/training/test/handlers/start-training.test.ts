import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { manifestKey } from '@digits/common';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import type { Clients } from '../../src/services';
import { IMAGE, PREFIX, PROCESSED, ROLE_ARN, fakeS3, fakeSageMaker, manifest, putManifest } from '../aws-fakes';
import { s3Event } from '@digits/test-kit';

// The function builds its clients once; here they are the in-memory fakes.
const mockClients = {} as Clients;
jest.mock('../../src/services', () => {
  const actual = jest.requireActual('../../src/services');
  return { ...actual, createServices: (settings: never) => actual.createServices(settings, mockClients) };
});

const s3 = fakeS3();
const sm = fakeSageMaker();
let handler: (typeof import('../../src/handlers/start-training'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(mockClients, { s3: s3.client, sagemaker: sm.client });
  Object.assign(process.env, {
    LOG_LEVEL: 'info',
    PROCESSED_BUCKET: PROCESSED,
    ARTIFACTS_BUCKET: 'digits-test-artifacts',
    TRAINING_JOB_PREFIX: PREFIX,
    MODEL_IMAGE_URI: IMAGE,
    SAGEMAKER_ROLE_ARN: ROLE_ARN,
    TRAINING_INSTANCE_TYPE: 'ml.m5.xlarge',
    TRAINING_VOLUME_GB: '10',
    TRAINING_MAX_SECONDS: '3600',
    DEFAULT_HYPERPARAMETERS: '{"epochs":"5"}',
  });
  ({ handler } = await import('../../src/handlers/start-training'));
});
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

describe('handlers/start-training', () => {
  it('starts a job for the manifest an S3 event names, and reports an unreadable record without failing the event', async () => {
    const m = manifest();
    putManifest(s3, m);
    const event = s3Event(PROCESSED, [manifestKey(m.dataset, m.version), 'unreadable']);
    event.Records[1]!.s3.object.key = 'mnist/%ZZ/manifest.json'; // as delivered: not valid URL encoding

    const out = await handler(event, lambdaContext('startTraining'));

    expect(out).toEqual({
      outcomes: [{ key: manifestKey(m.dataset, m.version), result: expect.objectContaining({ status: 'started' }) }],
      failed: [
        expect.objectContaining({ item: `s3://${PROCESSED}/mnist/%ZZ/manifest.json`, errorType: 'UnreadableS3Record' }),
      ],
    });
    expect(sm.mock.commandCalls(CreateTrainingJobCommand)).toHaveLength(1);
    expect(capture.lines()).toContainEqual(
      expect.objectContaining({
        message: 'training job started',
        function_name: 'startTraining',
        function_request_id: 'req-1',
      }),
    );
  });

  it('a hand invocation that cannot be trained on is answered, logged once, and not retried', async () => {
    const out = await handler({ dataset: 'mnist' }, lambdaContext('startTraining'));

    expect(out).toEqual({
      failed: {
        errorType: 'TrainingRequestError',
        message: 'startTraining input needs "dataset" and "version" strings',
      },
      retried: false,
    });
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'TrainingRequestError', permanent: true }),
    ]);
  });
});
