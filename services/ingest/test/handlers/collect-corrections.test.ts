import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { s3Event } from '@digits/test-kit';
import { BUCKETS } from '../s3-buckets';

const s3 = mockClient(S3Client);
const saved = { ...process.env };
beforeEach(() => {
  s3.reset();
  Object.assign(process.env, {
    INBOX_BUCKET: BUCKETS.inbox,
    RAW_BUCKET: BUCKETS.raw,
    FEEDBACK_MIN_CORRECTIONS: '3',
    LOG_LEVEL: 'error',
    AWS_REGION: 'us-east-1',
  });
});
afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

const loadHandler = async () => (await import('../../src/handlers/collect-corrections')).handler;
const context = lambdaContext('collectCorrections');

describe('handlers/collect-corrections', () => {
  it('a new correction below FEEDBACK_MIN_CORRECTIONS only lists the pending ones', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'corrections/pending/a.json' }] });
    const handler = await loadHandler();
    expect(await handler(s3Event(BUCKETS.inbox, ['corrections/pending/a.json']), context)).toEqual({
      trigger: 'correction',
      pending: 1,
      status: 'below-threshold',
      minCorrections: 3,
    });
    expect(s3.calls()).toHaveLength(1);
  });

  it('an input it does not understand is a permanent failure, not retried, and touches nothing', async () => {
    const handler = await loadHandler();
    const capture = captureLogLines();
    try {
      expect(await handler({ force: true }, context)).toMatchObject({
        failed: { errorType: 'CollectInputError', message: expect.stringContaining('input must be empty') },
      });
      expect(capture.lines()).toContainEqual(expect.objectContaining({ level: 'ERROR', permanent: true }));
    } finally {
      capture.restore();
    }
    expect(s3.calls()).toHaveLength(0);
  });

  it('fails at start-up naming a missing or bad threshold', async () => {
    process.env.FEEDBACK_MIN_CORRECTIONS = '0';
    await expect(loadHandler()).rejects.toThrow('FEEDBACK_MIN_CORRECTIONS must be an integer from 1 to 1000000');
  });
});
