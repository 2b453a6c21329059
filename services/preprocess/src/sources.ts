/**
 * Finding a dataset's four IDX files in the raw bucket. Events only say that *a* file arrived, in
 * any order and possibly twice, so every run lists the dataset's prefix and decides from what is
 * there now: the newest candidate for each of train/test × images/labels.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  MNIST_FILES,
  SPLITS,
  identifyIdxFile,
  parseRawKey,
  rawDatasetPrefix,
  type IdxFileId,
  type IdxKind,
  type Split,
} from '@digits/common';

export interface RawFile extends IdxFileId {
  key: string;
  file: string;
  etag: string;
  size: number;
  lastModified: Date;
}

export type SourceSet = Record<Split, Record<IdxKind, RawFile>>;

export const IDX_KINDS: readonly IdxKind[] = ['images', 'labels'];

export async function listRawFiles(s3: S3Client, bucket: string, dataset: string): Promise<RawFile[]> {
  const files: RawFile[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: rawDatasetPrefix(dataset), ContinuationToken }),
    );
    for (const object of page.Contents ?? []) {
      const parsed = object.Key ? parseRawKey(object.Key) : undefined;
      const id = parsed && identifyIdxFile(parsed.file);
      if (!parsed || !id) continue;
      files.push({
        ...id,
        key: object.Key!,
        file: parsed.file,
        etag: object.ETag ?? '',
        size: object.Size ?? 0,
        lastModified: object.LastModified ?? new Date(0),
      });
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return files;
}

export type SourceChoice = { complete: true; sources: SourceSet } | { complete: false; missing: string[] };

/** The newest file for each slot, or the names of the slots still missing (in MNIST's file names). */
export function chooseSources(files: readonly RawFile[]): SourceChoice {
  const missing: string[] = [];
  const chosen: Partial<Record<Split, Partial<Record<IdxKind, RawFile>>>> = {};
  for (const split of SPLITS) {
    chosen[split] = {};
    for (const kind of IDX_KINDS) {
      const newest = files
        .filter((f) => f.split === split && f.kind === kind)
        // Newest wins; equal times fall back to the key so every run picks the same file.
        .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || (a.key < b.key ? -1 : 1))[0];
      if (newest) chosen[split]![kind] = newest;
      else missing.push(MNIST_FILES[split][kind]);
    }
  }
  return missing.length ? { complete: false, missing } : { complete: true, sources: chosen as SourceSet };
}
