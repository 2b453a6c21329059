/**
 * What the raw bucket holds for a dataset: its IDX files under datasets/<dataset>/, each with the
 * split and half its name says. Ingest lists it to compare an upload with what was accepted before;
 * preprocess lists it to pick the four files of a version.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { identifyIdxFile, parseRawKey, rawDatasetPrefix, type IdxFileId } from './keys';

export interface RawFile extends IdxFileId {
  key: string;
  file: string;
  etag: string;
  size: number;
  lastModified: Date;
}

/** Every file of `dataset` in the raw bucket whose name says which IDX file it is (others are skipped). */
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
