import type { S3Event } from '@digits/common';
import { s3NotificationEvent } from '@digits/local-cloud';

/** An ObjectCreated notification as S3 delivers it (keys URL-encoded, '+' for spaces): the runner's own builder. */
export function s3Event(bucket: string, keys: string[], eventName = 'ObjectCreated:Put'): S3Event {
  return s3NotificationEvent(bucket, keys, { eventName, size: 100, eTag: 'abc' });
}
