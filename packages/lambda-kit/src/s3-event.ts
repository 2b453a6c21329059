/** The record loop of every S3-triggered function. */
import { s3ObjectsFromEvent, type Logger, type S3Event, type S3ObjectRef } from '@digits/common';
import { settleEach, type Settled } from './batch';
import { PermanentError, itemFailure, type ItemFailure } from './errors';

/** A record whose key is not valid URL encoding: no object can be named from it. */
export class UnreadableS3Record extends PermanentError {
  override name = 'UnreadableS3Record';
}

/**
 * The event's ObjectCreated objects, each record decoded on its own: a record whose key does not
 * decode (a malformed %-escape) is reported in `unreadable` with one error line, and the valid
 * records are still processed.
 */
export function s3EventObjects(event: S3Event, logger: Logger): { objects: S3ObjectRef[]; unreadable: ItemFailure[] } {
  const objects: S3ObjectRef[] = [];
  const unreadable: ItemFailure[] = [];
  for (const record of event.Records ?? []) {
    try {
      objects.push(...s3ObjectsFromEvent({ Records: [record] }));
    } catch (cause) {
      const item = `s3://${record.s3?.bucket?.name}/${record.s3?.object?.key}`;
      const error = new UnreadableS3Record(`the key of ${item} is not URL-encoded: ${(cause as Error).message}`);
      logger.error('S3 record unreadable; skipped', { item, errorType: error.name, error });
      unreadable.push(itemFailure(item, error));
    }
  }
  return { objects, unreadable };
}

/** `work` for each object of the event (see settleEach); unreadable records are reported with the other failures. */
export async function forEachS3Object<R>(
  event: S3Event,
  work: (object: S3ObjectRef) => Promise<R>,
  logger: Logger,
): Promise<Settled<R>> {
  const { objects, unreadable } = s3EventObjects(event, logger);
  const settled = await settleEach(objects, (o) => `s3://${o.bucket}/${o.key}`, work, logger);
  return { results: settled.results, failed: [...unreadable, ...settled.failed] };
}
