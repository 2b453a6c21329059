import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@digits/common';
import { createFunctionLogger, type FunctionLogger, type LogLevel } from '@digits/lambda-kit';

/** What the ingest functions need from the outside world; built once per Lambda container. */
export interface Services<C> {
  config: C;
  s3: S3Client;
  logger: FunctionLogger;
}

export function createServices<C extends { logLevel: LogLevel }>(
  config: C,
  s3: S3Client = createS3Client(),
): Services<C> {
  return { config, s3, logger: createFunctionLogger('ingest', config.logLevel) };
}
