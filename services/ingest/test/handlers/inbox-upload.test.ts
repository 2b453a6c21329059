import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from '@digits/lambda-kit/testing';
import { s3Event } from '@digits/test-kit';
import { BUCKETS } from '../s3-buckets';

const s3 = mockClient(S3Client);
const saved = { ...process.env };
beforeEach(() => {
  s3.reset();
  Object.assign(process.env, { RAW_BUCKET: BUCKETS.raw, LOG_LEVEL: 'error', AWS_REGION: 'us-east-1' });
});
afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

const loadHandler = async () => (await import('../../src/handlers/inbox-upload')).handler;
const context = lambdaContext('inboxUpload');

describe('handlers/inbox-upload', () => {
  it('a key that is not URL encoding fails only its record: the others are processed, the bad one reported', async () => {
    const event = s3Event(BUCKETS.inbox, ['inbox/mnist/']);
    event.Records.unshift({
      ...event.Records[0]!,
      s3: { ...event.Records[0]!.s3, object: { key: 'inbox/mnist/%E0%A4%A', size: 1, eTag: 'e', sequencer: '0' } },
    });
    const handler = await loadHandler();

    const result = await handler(event, context);

    expect(result).toEqual({
      results: [{ item: `s3://${BUCKETS.inbox}/inbox/mnist/`, result: { status: 'ignored', key: 'inbox/mnist/' } }],
      failed: [
        {
          item: `s3://${BUCKETS.inbox}/inbox/mnist/%E0%A4%A`,
          errorType: 'UnreadableS3Record',
          message: expect.stringContaining('URI malformed'),
        },
      ],
    });
    expect(s3.calls()).toHaveLength(0);
  });
});
