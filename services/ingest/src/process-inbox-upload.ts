import { CopyObjectCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  isNotFound,
  isPreconditionFailed,
  parseInboxKey,
  quarantineKeysFor,
  rawKey,
  type Logger,
} from '@digits/common';
import { checkUpload, type UploadChecks } from './check-upload';
import { Rejection, type RejectionRecord } from './rejection';
import { SOURCE_ETAG_META, SOURCE_KEY_META, bareEtag, copySource, headObject, isSameObject } from './s3-helpers';
import { s3UploadChecks } from './s3-upload-checks';

export type InboxOutcome =
  | { status: 'accepted'; key: string; rawKey: string }
  /** raw already holds these bytes (a repeated event or re-upload of the same file) */
  | { status: 'unchanged'; key: string; rawKey: string }
  | {
      status: 'rejected';
      key: string;
      quarantineKey: string;
      reasonKey: string;
      code: Rejection['code'];
      reason: string;
    }
  /** the object is no longer there (an earlier delivery of this event already moved it) */
  | { status: 'gone'; key: string }
  /** the object was overwritten while we checked it; the newer upload has its own event */
  | { status: 'superseded'; key: string }
  /** a console "folder" marker, not a file */
  | { status: 'ignored'; key: string };

export interface InboxContext {
  inboxBucket: string;
  rawBucket: string;
  log?: Logger;
  now?: () => Date;
  /** Replace the S3-backed checks (tests). */
  checks?: UploadChecks;
}

/**
 * One inbox upload: accepted uploads are copied server-side into raw `datasets/<dataset>/<file>`
 * (the inbox copy stays); rejected ones are moved to `quarantine/` with a `.rejected.json` reason.
 * Safe to repeat for the same event: every step is idempotent and ordered so an interruption at
 * any point leaves the upload in the inbox or in quarantine with its reason, never nowhere.
 */
export async function processInboxUpload(s3: S3Client, key: string, ctx: InboxContext): Promise<InboxOutcome> {
  const { inboxBucket, rawBucket, log } = ctx;
  if (key.endsWith('/')) return { status: 'ignored', key };
  const head = await headObject(s3, inboxBucket, key);
  if (!head) return { status: 'gone', key };
  const size = head.ContentLength ?? 0;
  const etag = head.ETag ?? '';

  try {
    let accepted;
    try {
      accepted = await checkUpload(
        { key, size },
        ctx.checks ?? s3UploadChecks(s3, { bucket: inboxBucket, key, size, etag }, rawBucket),
      );
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      return await quarantine(s3, { key, size, etag, rejection: error }, ctx);
    }
    const target = rawKey(accepted.dataset, accepted.file);
    if (isSameObject(head, await headObject(s3, rawBucket, target)))
      return { status: 'unchanged', key, rawKey: target };
    await s3.send(
      new CopyObjectCommand({
        Bucket: rawBucket,
        Key: target,
        CopySource: copySource(inboxBucket, key),
        CopySourceIfMatch: etag,
        MetadataDirective: 'REPLACE',
        ContentType: accepted.gzipped ? 'application/gzip' : 'application/octet-stream',
        Metadata: { [SOURCE_ETAG_META]: bareEtag(etag), [SOURCE_KEY_META]: `${inboxBucket}/${key}` },
      }),
    );
    log?.info('upload accepted', {
      key,
      rawKey: target,
      kind: accepted.kind,
      split: accepted.split,
      count: accepted.header.count,
    });
    return { status: 'accepted', key, rawKey: target };
  } catch (error) {
    if (isPreconditionFailed(error)) return { status: 'superseded', key };
    if (isNotFound(error)) return { status: 'gone', key };
    throw error;
  }
}

/**
 * Copy aside, then write the reason, then delete from the inbox: until the last step succeeds the
 * upload is still in the inbox (and a retry redoes the same writes); the delete is conditional on
 * the ETag so a newer upload under the same key is never removed unseen.
 */
async function quarantine(
  s3: S3Client,
  { key, size, etag, rejection }: { key: string; size: number; etag: string; rejection: Rejection },
  { inboxBucket, log, now = () => new Date() }: InboxContext,
): Promise<InboxOutcome> {
  const target = quarantineKeysFor(key);
  const parsed = parseInboxKey(key);
  const record: RejectionRecord = {
    dataset: parsed?.dataset ?? null,
    file: parsed?.file ?? key.slice(key.lastIndexOf('/') + 1),
    sourceKey: key,
    code: rejection.code,
    reason: rejection.message,
    size,
    etag: bareEtag(etag),
    rejectedAt: now().toISOString(),
  };
  await s3.send(
    new CopyObjectCommand({
      Bucket: inboxBucket,
      Key: target.object,
      CopySource: copySource(inboxBucket, key),
      CopySourceIfMatch: etag,
    }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: inboxBucket,
      Key: target.reason,
      Body: `${JSON.stringify(record, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  await s3.send(new DeleteObjectCommand({ Bucket: inboxBucket, Key: key, IfMatch: etag }));
  log?.warn('upload rejected', { key, quarantineKey: target.object, code: rejection.code, reason: rejection.message });
  return {
    status: 'rejected',
    key,
    quarantineKey: target.object,
    reasonKey: target.reason,
    code: rejection.code,
    reason: rejection.message,
  };
}
