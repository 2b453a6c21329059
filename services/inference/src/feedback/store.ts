import { HeadObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import {
  PENDING_CORRECTIONS_PREFIX,
  correctionKeyId,
  encodeCorrection,
  isNotFound,
  isPreconditionFailed,
  learnedCorrectionKey,
  pendingCorrectionKey,
  type CorrectionRecord,
} from '@digits/common';

/** Corrections in ingest's inbox bucket (packages/common/src/corrections.ts holds the layout). */
export interface CorrectionStore {
  /** Stores a correction unless the same one (image and label) is pending or learned: true if this call stored it. */
  save(record: CorrectionRecord): Promise<boolean>;
  /** How many corrections wait under corrections/pending/ (not yet in a dataset). */
  countPending(): Promise<number>;
}

export function s3CorrectionStore(s3: S3Client, bucket: string): CorrectionStore {
  return {
    async save(record) {
      if (await exists(s3, bucket, learnedCorrectionKey(record.id))) return false;
      try {
        // Create-only: of two identical corrections (or two racing requests) exactly one is written.
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: pendingCorrectionKey(record.id),
            Body: encodeCorrection(record),
            ContentType: 'application/json',
            IfNoneMatch: '*',
          }),
        );
        return true;
      } catch (e) {
        if (isPreconditionFailed(e)) return false;
        throw e;
      }
    },
    async countPending() {
      let count = 0;
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: bucket, Prefix: PENDING_CORRECTIONS_PREFIX },
      ))
        for (const { Key } of page.Contents ?? []) if (Key && correctionKeyId(Key)) count++;
      return count;
    },
  };
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
