import { CopyObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_DATASET, MNIST_FILES, SPLITS, isAccessDenied, rawKey, type Logger } from '@digits/common';
import { ImportError, type ImportSource } from './import-input';
import { importReferenceSet, type ReferenceImportSummary } from './import-reference-set';
import { SOURCE_ETAG_META, SOURCE_KEY_META, bareEtag, copySource, headObject, isSameObject } from './s3-helpers';

export interface ImportSummary {
  source: string;
  dataset: string;
  /** Raw keys written by this run. */
  copied: string[];
  /** Raw keys that already held the source bytes. */
  skipped: string[];
  /** The stage's reference set after this import. */
  reference: ReferenceImportSummary;
}

/** The four MNIST file names in a stable order (train images, train labels, test images, test labels). */
export const mnistFileNames = (): string[] =>
  SPLITS.flatMap((split) => [MNIST_FILES[split].images, MNIST_FILES[split].labels]);

/**
 * Server-side copy of the four MNIST files from `source` into the raw bucket (dataset `mnist`),
 * after storing the stage's reference set (import-reference-set.ts) if it has none yet.
 * All four sources are checked before anything is written, so a missing file copies nothing.
 * A raw object that already holds the same bytes (same size and the source ETag recorded in its
 * metadata, or an equal ETag) is skipped, so re-running copies nothing and fires no new events.
 */
export async function importPublicDataset(
  s3: S3Client,
  {
    source,
    rawBucket,
    processedBucket,
    replaceReference,
    log,
  }: { source: ImportSource; rawBucket: string; processedBucket: string; replaceReference?: string; log?: Logger },
): Promise<ImportSummary> {
  const files = mnistFileNames();
  const heads = await Promise.all(files.map((file) => headSource(s3, source, file)));
  const missing = files
    .filter((_, i) => heads[i] === undefined)
    .map((file) => `s3://${source.bucket}/${source.prefix}${file}`);
  if (missing.length > 0)
    throw new ImportError(`public dataset incomplete, nothing copied: missing ${missing.join(', ')}`);

  // The reference set first: it is in place before the copies below start preprocess and training.
  const reference = await importReferenceSet(s3, {
    source,
    processedBucket,
    replaceReason: replaceReference,
    log,
  });
  const summary: ImportSummary = {
    source: `s3://${source.bucket}/${source.prefix}`,
    dataset: DEFAULT_DATASET,
    copied: [],
    skipped: [],
    reference,
  };
  for (const [i, file] of files.entries()) {
    const head = heads[i]!;
    const target = rawKey(DEFAULT_DATASET, file);
    if (isSameObject(head, await headObject(s3, rawBucket, target))) {
      summary.skipped.push(target);
      continue;
    }
    const sourceKey = `${source.prefix}${file}`;
    await s3.send(
      new CopyObjectCommand({
        Bucket: rawBucket,
        Key: target,
        CopySource: copySource(source.bucket, sourceKey),
        // Copy exactly the version we looked at; REPLACE so the provenance metadata is stored.
        CopySourceIfMatch: head.ETag,
        MetadataDirective: 'REPLACE',
        ContentType: head.ContentType ?? 'application/gzip',
        Metadata: { [SOURCE_ETAG_META]: bareEtag(head.ETag), [SOURCE_KEY_META]: `${source.bucket}/${sourceKey}` },
      }),
    );
    log?.info('copied public file', {
      from: `s3://${source.bucket}/${sourceKey}`,
      to: `s3://${rawBucket}/${target}`,
      size: head.ContentLength,
    });
    summary.copied.push(target);
  }
  return summary;
}

async function headSource(
  s3: S3Client,
  source: ImportSource,
  file: string,
): Promise<HeadObjectCommandOutput | undefined> {
  const key = `${source.prefix}${file}`;
  try {
    return await headObject(s3, source.bucket, key);
  } catch (error) {
    // Without s3:ListBucket on a foreign bucket a missing object reads as 403, and the role only
    // grants the configured public prefix: say both.
    if (isAccessDenied(error)) {
      throw new ImportError(
        `cannot read s3://${source.bucket}/${key}: access denied (missing, or outside what this function's role may read)`,
      );
    }
    throw error;
  }
}
