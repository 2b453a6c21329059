import type { S3Event } from '@digits/common';
import { PermanentError, createFunctionLogger, forEachS3Object, RetryableBatchError } from '../src';
import { captureLogLines } from '../src/testing';

let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

const logger = () => createFunctionLogger('test-service', 'info');

function s3Event(keys: string[], bucket = 'digits-dev-inbox'): S3Event {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-01-01T00:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:X' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'c',
        bucket: { name: bucket, ownerIdentity: { principalId: 'X' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key, size: 1, eTag: 'e', sequencer: '0' },
      },
    })),
  };
}

describe('forEachS3Object', () => {
  it('decodes each key (+ is a space) and gives every object to the work in order', async () => {
    const seen: string[] = [];
    const settled = await forEachS3Object(
      s3Event(['inbox/my+digits/a.gz', 'inbox/b%C3%A9.gz']),
      async (o) => seen.push(o.key),
      logger(),
    );
    expect(seen).toEqual(['inbox/my digits/a.gz', 'inbox/bé.gz']);
    expect(settled.failed).toEqual([]);
  });

  it('a key that is not URL encoding fails only its record: the valid ones are processed, the bad one reported', async () => {
    const seen: string[] = [];
    const settled = await forEachS3Object(
      s3Event(['inbox/mnist/%E0%A4%A.gz', 'inbox/mnist/good.gz']),
      async (o) => seen.push(o.key),
      logger(),
    );

    expect(seen).toEqual(['inbox/mnist/good.gz']);
    expect(settled.failed).toEqual([
      {
        item: 's3://digits-dev-inbox/inbox/mnist/%E0%A4%A.gz',
        errorType: 'UnreadableS3Record',
        message: expect.stringContaining('URI malformed'),
      },
    ]);
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({
        message: 'S3 record unreadable; skipped',
        item: 's3://digits-dev-inbox/inbox/mnist/%E0%A4%A.gz',
      }),
    ]);
  });

  it('a permanent failure of one object is reported and the others still run', async () => {
    const settled = await forEachS3Object(
      s3Event(['a', 'b']),
      async (o) => {
        if (o.key === 'a') throw new PermanentError('not a manifest');
        return o.key.toUpperCase();
      },
      logger(),
    );
    expect(settled).toEqual({
      results: [{ item: 's3://digits-dev-inbox/b', result: 'B' }],
      failed: [{ item: 's3://digits-dev-inbox/a', errorType: 'PermanentError', message: 'not a manifest' }],
    });
  });

  it('a retryable failure is thrown after every object was tried, so Lambda retries the event', async () => {
    const seen: string[] = [];
    const run = forEachS3Object(
      s3Event(['a', 'b']),
      async (o) => {
        seen.push(o.key);
        if (o.key === 'a') throw new Error('socket hang up');
      },
      logger(),
    );
    await expect(run).rejects.toThrow(RetryableBatchError);
    await expect(run).rejects.toThrow('s3://digits-dev-inbox/a (socket hang up)');
    expect(seen).toEqual(['a', 'b']);
  });

  it('ignores records that are not ObjectCreated', async () => {
    const event = s3Event(['a']);
    event.Records[0]!.eventName = 'ObjectRemoved:Delete';
    const work = jest.fn();
    await forEachS3Object(event, work, logger());
    expect(work).not.toHaveBeenCalled();
  });
});
