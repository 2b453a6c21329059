import { encodeS3Key, type S3Event } from '@digits/common';

/** An ObjectCreated notification as S3 delivers it: keys URL-encoded with '+' for spaces. */
export function s3Event(bucket: string, keys: string[], eventName = 'ObjectCreated:Put'): S3Event {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId: 'AWS:TEST' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'TEST', 'x-amz-id-2': 'TEST' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'test',
        bucket: { name: bucket, ownerIdentity: { principalId: 'TEST' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeS3Key(key), size: 100, eTag: 'abc', sequencer: '0' },
      },
    })),
  };
}
