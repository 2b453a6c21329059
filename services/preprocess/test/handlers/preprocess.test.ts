import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Event } from '@digits/test-kit';

const s3 = mockClient(S3Client);
const saved = { ...process.env };
let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => {
  s3.reset();
  capture = captureLogLines();
  Object.assign(process.env, { PROCESSED_BUCKET: 'processed', SHARD_ROWS: '10000', LOG_LEVEL: 'info' });
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
afterEach(() => {
  capture.restore();
  process.env = { ...saved };
});

/** One warm container for the whole file, as on Lambda (mockClient patches the S3Client class it loaded). */
const loadHandler = async () => (await import('../../src/handlers/preprocess')).handler;

describe('handlers/preprocess', () => {
  it('runs each dataset once and reports a record whose key is not URL encoding, without failing the event', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const event = s3Event('raw', [
      'datasets/mnist/train-images-idx3-ubyte.gz',
      'datasets/mnist/train-labels-idx1-ubyte.gz',
    ]);
    event.Records.push({
      ...event.Records[0]!,
      s3: { ...event.Records[0]!.s3, object: { key: 'datasets/mnist/%ZZ', size: 1, eTag: 'e', sequencer: '0' } },
    });
    const handler = await loadHandler();

    const result = await handler(event, lambdaContext('preprocess'));

    expect(result).toEqual({
      outcomes: [
        { status: 'waiting', dataset: 'mnist', missing: expect.arrayContaining(['train-images-idx3-ubyte.gz']) },
      ],
      failed: [{ item: 's3://raw/datasets/mnist/%ZZ', errorType: 'UnreadableS3Record', message: expect.any(String) }],
    });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
    expect(capture.lines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'S3 record unreadable; skipped',
        function_name: 'preprocess',
      }),
    );
  });

  it('lets a storage failure reach Lambda, so it retries the event', async () => {
    s3.on(ListObjectsV2Command).rejects(
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }),
    );
    const handler = await loadHandler();

    await expect(handler(s3Event('raw', ['datasets/mnist/a.gz']), lambdaContext('preprocess'))).rejects.toThrow(
      's3://raw/datasets/mnist/ (Service Unavailable)',
    );
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'RetryableBatchError', permanent: false }),
    ]);
  });

  it('fails at start-up naming a missing variable', async () => {
    delete process.env.PROCESSED_BUCKET;
    jest.resetModules(); // a new container: the module loads again
    await expect(loadHandler()).rejects.toThrow('environment variable PROCESSED_BUCKET is not set');
  });
});
