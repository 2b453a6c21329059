import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient, type SageMakerRuntimeClientConfig } from '@aws-sdk/client-sagemaker-runtime';

/**
 * AWS SDK v3 client factories. The SDK itself honours AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME; the only thing added here is
 * path-style addressing when S3 is overridden (local servers have no per-bucket DNS names).
 * Nothing branches on "local".
 */
type Env = Record<string, string | undefined>;

export function s3EndpointOverridden(env: Env = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

export function createS3Client(config: S3ClientConfig = {}, env: Env = process.env): S3Client {
  return new S3Client({ ...(s3EndpointOverridden(env) ? { forcePathStyle: true } : {}), ...config });
}

export function createSageMakerClient(config: SageMakerClientConfig = {}): SageMakerClient {
  return new SageMakerClient(config);
}

export function createSageMakerRuntimeClient(config: SageMakerRuntimeClientConfig = {}): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient(config);
}
