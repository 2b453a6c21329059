import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createS3Client, createSageMakerClient } from '@digits/common';
import { createFunctionLogger, type FunctionConfig, type FunctionLogger } from '@digits/lambda-kit';

/** What a training function needs from the outside world (its deps); built once per Lambda container. */
export interface Services<S> {
  s3: S3Client;
  sagemaker: SageMakerClient;
  settings: S;
  logger: FunctionLogger;
}

export interface Clients {
  s3: S3Client;
  sagemaker: SageMakerClient;
}

export function createClients(): Clients {
  return { s3: createS3Client(), sagemaker: createSageMakerClient() };
}

export function createServices<S extends FunctionConfig>(settings: S, clients: Clients = createClients()): Services<S> {
  return { ...clients, settings, logger: createFunctionLogger('training', settings.logLevel) };
}
