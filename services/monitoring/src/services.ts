import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createS3Client, createSageMakerRuntimeClient } from '@digits/common';
import {
  createFunctionLogger,
  functionTelemetry,
  type FunctionLogger,
  type FunctionMetrics,
  type FunctionTelemetry,
} from '@digits/lambda-kit';
import type { MonitoringConfig } from './config';

/** What the drift job needs from the outside world; built once per Lambda container. */
export interface Services {
  config: MonitoringConfig;
  s3: S3Client;
  runtime: SageMakerRuntimeClient;
  logger: FunctionLogger;
  metrics: FunctionMetrics;
  now(): Date;
}

export function createServices(
  config: MonitoringConfig & { logLevel: Parameters<typeof createFunctionLogger>[1] },
  telemetry: FunctionTelemetry = functionTelemetry('monitoring'),
): Services {
  return {
    config,
    s3: telemetry.traceClient(createS3Client()),
    runtime: telemetry.traceClient(createSageMakerRuntimeClient()),
    logger: createFunctionLogger('monitoring', config.logLevel),
    metrics: telemetry.metrics,
    now: () => new Date(),
  };
}
