import { parseRawKey, type Logger, type S3ObjectRef } from '@digits/common';

export interface DatasetRef {
  bucket: string;
  dataset: string;
}

/**
 * The datasets an S3 event touches, each once however many of its files the event names (a run
 * reads the whole dataset anyway). Objects outside datasets/<dataset>/<file> are logged and skipped.
 */
export function datasetsOf(objects: readonly S3ObjectRef[], logger: Logger): DatasetRef[] {
  const targets = new Map<string, DatasetRef>();
  for (const { bucket, key } of objects) {
    const parsed = parseRawKey(key);
    if (!parsed) {
      logger.warn('ignoring an object outside datasets/<dataset>/<file>', { bucket, key });
      continue;
    }
    targets.set(`${bucket}\n${parsed.dataset}`, { bucket, dataset: parsed.dataset });
  }
  return [...targets.values()];
}
