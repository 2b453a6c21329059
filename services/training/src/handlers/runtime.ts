/** Per-container state of the Lambda handlers: clients and settings built once, on first use. */
import type middy from '@middy/core';
import { createLogger, createS3Client, createSageMakerClient, type Logger } from '@digits/common';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';

export const logger: Logger = createLogger('training');

let clients: { s3: S3Client; sagemaker: SageMakerClient } | undefined;
export function awsClients(): { s3: S3Client; sagemaker: SageMakerClient } {
  clients ??= { s3: createS3Client(), sagemaker: createSageMakerClient() };
  return clients;
}

/** Build a value on first call (settings are read at invocation so a bad env names itself in the error). */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Log the failure with the function's name, then let Lambda see it (retries, Errors metric). */
export function logFailures(fn: string): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      logger.error(`${fn} failed`, { error: request.error, requestId: request.context?.awsRequestId });
    },
  };
}
