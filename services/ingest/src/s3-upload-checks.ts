import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { IdxError, identifyIdxFile, parseRawKey, rawDatasetPrefix, type IdxKind, type Split } from '@digits/common';
import type { Counterpart, UploadChecks } from './check-upload';
import { IDX_HEADER_PEEK, inspectIdxPrefix, inspectIdxStream, type IdxInspection } from './inspect-idx';

/** Read an IDX object's header (and, unless headerOnly, check its full size). */
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
  if (!gzipped) {
    // Plain IDX: the header and the stored size say it all; read 16 bytes, not the file.
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${IDX_HEADER_PEEK - 1}`, IfMatch: etag }),
    );
    return inspectIdxPrefix(await Body!.transformToByteArray(), size);
  }
  // Compressed: the uncompressed size is only known by decompressing; stream it.
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
  return inspectIdxStream(Body as Readable, { gzipped, headerOnly });
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
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: rawBucket, Prefix: rawDatasetPrefix(dataset), ContinuationToken }),
    );
    for (const { Key, Size } of page.Contents ?? []) {
      const file = Key ? parseRawKey(Key)?.file : undefined;
      const id = file ? identifyIdxFile(file) : undefined;
      if (!id || id.split !== split || id.kind !== kind || !Size) continue;
      try {
        const { header } = await inspectIdxObject(s3, {
          bucket: rawBucket,
          key: Key!,
          size: Size,
          gzipped: id.gzipped,
          headerOnly: true,
        });
        found.push({ key: Key!, count: header.count });
      } catch (error) {
        // An unreadable raw file is preprocess's to report; it must not block new uploads.
        if (!(error instanceof IdxError)) throw error;
      }
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return found;
}
