import type { S3Client } from '@aws-sdk/client-s3';
import { ENV, PUBLIC_DATASET, createLogger, createS3Client, optionalEnv, requireEnv } from '@digits/common';
import { parseImportInput } from '../import-input';
import { importPublicDataset, type ImportSummary } from '../import-public-dataset';

const log = createLogger('ingest.importPublicDataset');
let s3: S3Client | undefined;

/** `sls invoke -f importPublicDataset [--data '{"bucket": "...", "prefix": "..."}']` */
export async function handler(event: unknown): Promise<ImportSummary> {
  const source = parseImportInput(event, {
    bucket: optionalEnv(ENV.publicBucket, PUBLIC_DATASET.bucket),
    prefix: optionalEnv(ENV.publicPrefix, PUBLIC_DATASET.prefix),
  });
  s3 ??= createS3Client();
  const summary = await importPublicDataset(s3, { source, rawBucket: requireEnv(ENV.rawBucket), log });
  log.info('public dataset imported', { ...summary });
  return summary;
}
