/** Helpers for the preprocess tests: AWS-shaped S3 events and small IDX files cut from real MNIST. */
import type { S3Event } from 'aws-lambda';
import { s3NotificationEvent } from '@digits/local-cloud';

/** An S3 notification as AWS delivers it (keys URL-encoded, '+' for spaces): the runner's own builder. */
export function s3Event(bucket: string, keys: string[], eventName = 'ObjectCreated:Put'): S3Event {
  return s3NotificationEvent(bucket, keys, { eventName, size: 1, eTag: 'etag' });
}

/** The first `count` items of a real IDX file, with the header's count rewritten to match. */
export function idxHead(file: Buffer, count: number): Buffer {
  const headerBytes = file.readUInt32BE(0) === 0x00000803 ? 16 : 8;
  const itemBytes = headerBytes === 16 ? 784 : 1;
  const out = Buffer.from(file.subarray(0, headerBytes + count * itemBytes));
  out.writeUInt32BE(count, 4);
  return out;
}
