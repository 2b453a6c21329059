import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { manifestKey } from '@digits/common';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { fakes } from '../fake-services';
import { START_TRAINING_ENV } from '../function-env';
import { PROCESSED, manifest, putManifest } from '../aws-fakes';
import { s3Event } from '@digits/test-kit';

jest.mock('../../src/services', () =>
  jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
);

const { s3, sm } = fakes;
let handler: (typeof import('../../src/handlers/start-training'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(process.env, START_TRAINING_ENV);
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
