import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@digits/common';
import { createFunctionLogger, functionTelemetry, type FunctionLogger, type FunctionMetrics } from '@digits/lambda-kit';
import type { PreprocessConfig } from './config';

/** What the preprocess function needs from the outside world; built once per Lambda container. */
export interface Services {
  config: PreprocessConfig;
  s3: S3Client;
  logger: FunctionLogger;
  metrics: FunctionMetrics;
}

export function createServices(config: PreprocessConfig, s3: S3Client = createS3Client()): Services {
  return {
    config,
    s3,
    logger: createFunctionLogger('preprocess', config.logLevel),
    metrics: functionTelemetry('preprocess').metrics,
  };
}
