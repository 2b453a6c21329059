/** CorrectionsStore on S3: the inbox bucket's corrections/ prefix and the raw bucket's corrections dataset. */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CORRECTIONS_DATASET,
  CORRECTIONS_PREFIX,
  IDX_SET_META,
  REJECTED_CORRECTIONS_PREFIX,
  REJECTED_SUFFIX,
  isNotFound,
  isPreconditionFailed,
  learnedCorrectionKey,
  rawKey,
} from '@digits/common';
import type { CorrectionsStore } from './corrections-store';
import { copySource } from './s3-helpers';

export function s3CorrectionsStore(
  s3: S3Client,
  { inboxBucket, rawBucket, now = () => new Date() }: { inboxBucket: string; rawBucket: string; now?: () => Date },
): CorrectionsStore {
  /** Copy within the inbox bucket exactly the version read (a changed object is left for the next run). */
  const copy = (from: string, to: string, etag: string) =>
    s3.send(
      new CopyObjectCommand({
        Bucket: inboxBucket,
        Key: to,
        CopySource: copySource(inboxBucket, from),
        CopySourceIfMatch: etag,
      }),
    );
  const remove = (key: string, etag: string) =>
    s3.send(new DeleteObjectCommand({ Bucket: inboxBucket, Key: key, IfMatch: etag }));

  return {
    async list(prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: inboxBucket, Prefix: prefix, ContinuationToken }),
        );
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys;
    },

    async read(key) {
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: inboxBucket, Key: key }));
        return { text: (await res.Body?.transformToString('utf-8')) ?? '', etag: res.ETag ?? '' };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },

    async setAside(key, etag, reason) {
      const target = `${REJECTED_CORRECTIONS_PREFIX}${key.slice(CORRECTIONS_PREFIX.length)}`;
      await copy(key, target, etag);
      await s3.send(
        new PutObjectCommand({
          Bucket: inboxBucket,
          Key: `${target}${REJECTED_SUFFIX}`,
          Body: `${JSON.stringify({ sourceKey: key, reason, rejectedAt: now().toISOString() }, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
      await remove(key, etag);
      return target;
    },

    async writeDataset(dataset) {
      const keys: string[] = [];
      for (const file of dataset.files) {
        const Key = rawKey(CORRECTIONS_DATASET, file.name);
        await s3.send(
          new PutObjectCommand({
            Bucket: rawBucket,
            Key,
            Body: file.bytes,
            ContentType: 'application/octet-stream',
            Metadata: { [IDX_SET_META]: dataset.version },
          }),
        );
        keys.push(Key);
      }
      return keys;
    },

    async markLearned(key, id, etag) {
      try {
        await copy(key, learnedCorrectionKey(id), etag);
        await remove(key, etag);
        return 'moved';
      } catch (e) {
        // Moved by an earlier delivery, or replaced since it was read (then the next run takes it).
        if (isNotFound(e) || isPreconditionFailed(e)) return 'gone';
        throw e;
      }
    },
  };
}
