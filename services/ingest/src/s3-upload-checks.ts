import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IdxError, inspectIdxStream, listRawFiles, type IdxInspection, type IdxKind, type Split } from '@digits/common';
import type { Counterpart, UploadChecks } from './check-upload';

/**
 * Check an IDX object as it streams from S3 (common's header-only inspection: nothing is kept,
 * and reading stops once the verdict is known). `gzipped`: the name ends in .gz.
 */
export async function inspectIdxObject(
  s3: S3Client,
  {
    bucket,
    key,
    size,
    etag,
    gzipped,
    headerOnly = false,
  }: { bucket: string; key: string; size: number; etag?: string; gzipped: boolean; headerOnly?: boolean },
): Promise<IdxInspection> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
  return inspectIdxStream(Body as AsyncIterable<Uint8Array>, { gzipped, headerOnly, storedSize: size });
}

/** The checks of an inbox upload against S3: the object itself, and what raw already holds for its dataset. */
export function s3UploadChecks(
  s3: S3Client,
  upload: { bucket: string; key: string; size: number; etag: string },
  rawBucket: string,
): UploadChecks {
  return {
    inspect: (gzipped) => inspectIdxObject(s3, { ...upload, gzipped }),
    counterparts: (dataset, split, kind) => rawCounterparts(s3, rawBucket, dataset, split, kind),
  };
}

async function rawCounterparts(
  s3: S3Client,
  rawBucket: string,
  dataset: string,
  split: Split,
  kind: IdxKind,
): Promise<Counterpart[]> {
  const found: Counterpart[] = [];
  for (const file of await listRawFiles(s3, rawBucket, dataset)) {
    if (file.split !== split || file.kind !== kind || file.size === 0) continue;
    try {
      const { header } = await inspectIdxObject(s3, {
        bucket: rawBucket,
        key: file.key,
        size: file.size,
        gzipped: file.gzipped,
        headerOnly: true,
      });
      found.push({ key: file.key, count: header.count });
    } catch (error) {
      // An unreadable raw file is preprocess's to report; it must not block new uploads.
      if (!(error instanceof IdxError)) throw error;
    }
  }
  return found;
}
