/**
 * The stage's reference evaluation set (@digits/common's reference-set), written by the public
 * import and only by it: the MNIST test images and labels of the import's source, as the
 * pipeline's CSV shards with their own manifest and content version, in the processed bucket.
 *
 * The first import sets the stage's pointer. Later imports keep it and do not even read the
 * source: changing the set models are judged on is an explicit, logged operation
 * (`{"replaceReference": "<why>"}`), which records the reason and the version it replaced.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  MNIST_FILES,
  encodeReferenceSet,
  pairIdx,
  readIdxStream,
  readReferencePointer,
  setReferencePointer,
  writeReferenceSet,
  type Logger,
} from '@digits/common';
import type { ImportSource } from './import-input';

export const DEFAULT_REFERENCE_NAME = 'mnist-t10k';

export interface ReferenceImportSummary {
  version: string;
  /** kept: the stage's set stays (not asked to change); set: first one; replaced: changed on request; unchanged: asked, same content. */
  action: 'kept' | 'set' | 'replaced' | 'unchanged';
  previous?: string;
}

export async function importReferenceSet(
  s3: S3Client,
  {
    source,
    processedBucket,
    replaceReason,
    now = new Date(),
    log,
  }: { source: ImportSource; processedBucket: string; replaceReason?: string; now?: Date; log?: Logger },
): Promise<ReferenceImportSummary> {
  const current = await readReferencePointer(s3, processedBucket);
  if (current && replaceReason === undefined) return { version: current.pointer.version, action: 'kept' };

  const uri = (file: string) => `s3://${source.bucket}/${source.prefix}${file}`;
  const read = async (file: string, expect: 'images' | 'labels') => {
    const res = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: `${source.prefix}${file}` }));
    return readIdxStream(res.Body as AsyncIterable<Uint8Array>, { expect });
  };
  const pair = pairIdx(await read(MNIST_FILES.test.images, 'images'), await read(MNIST_FILES.test.labels, 'labels'));
  const set = encodeReferenceSet({ images: pair.images, labels: pair.labels }, pair.count);
  const stored = await writeReferenceSet(s3, processedBucket, set, {
    name: DEFAULT_REFERENCE_NAME,
    source: { images: uri(MNIST_FILES.test.images), labels: uri(MNIST_FILES.test.labels) },
    now,
  });
  const reason = replaceReason ?? `first import of ${uri(MNIST_FILES.test.images)}`;
  const { pointer, changed } = await setReferencePointer(s3, processedBucket, set.version, {
    reason,
    now,
    replace: replaceReason !== undefined,
  });
  const action = !current ? 'set' : changed ? 'replaced' : 'unchanged';
  const summary: ReferenceImportSummary = {
    version: pointer.version,
    action,
    ...(pointer.previous && changed ? { previous: pointer.previous } : {}),
  };
  // A change of the reference set is logged at warn: every later gate decision depends on it.
  (action === 'replaced' ? log?.warn : log?.info)?.call(log, `reference set ${action}`, {
    ...summary,
    reason,
    rows: set.rows,
    stored: stored.written,
  });
  return summary;
}
