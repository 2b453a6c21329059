/** Helpers for the preprocess tests: AWS-shaped S3 events and small IDX files cut from real MNIST. */
import type { S3Event } from 'aws-lambda';
import { encodeS3Key } from '@digits/common';

/** An S3 notification as AWS delivers it: one record per key, keys URL-encoded ('+' for spaces). */
export function s3Event(bucket: string, keys: string[], eventName = 'ObjectCreated:Put'): S3Event {
  return {
    Records: keys.map((key, i) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId: 'AWS:AIDEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': `req${i}`, 'x-amz-id-2': 'id2' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'preprocess',
        bucket: { name: bucket, ownerIdentity: { principalId: 'A1' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeS3Key(key), size: 1, eTag: 'etag', sequencer: `00${i}` },
      },
    })),
  };
}

/** The first `count` items of a real IDX file, with the header's count rewritten to match. */
export function idxHead(file: Buffer, count: number): Buffer {
  const headerBytes = file.readUInt32BE(0) === 0x00000803 ? 16 : 8;
  const itemBytes = headerBytes === 16 ? 784 : 1;
  const out = Buffer.from(file.subarray(0, headerBytes + count * itemBytes));
  out.writeUInt32BE(count, 4);
  return out;
}
