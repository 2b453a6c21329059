/**
 * Environment variable names shared by every service and the offline runner.
 * serverless.yml files set these; code reads them only through `requireEnv`/`optionalEnv`.
 */
export const ENV = {
  stage: 'STAGE',
  publicBucket: 'PUBLIC_DATASET_BUCKET',
  publicPrefix: 'PUBLIC_DATASET_PREFIX',
  inboxBucket: 'INBOX_BUCKET',
  rawBucket: 'RAW_BUCKET',
  processedBucket: 'PROCESSED_BUCKET',
  artifactsBucket: 'ARTIFACTS_BUCKET',
  endpointName: 'ENDPOINT_NAME',
  modelImageUri: 'MODEL_IMAGE_URI',
  sageMakerRoleArn: 'SAGEMAKER_ROLE_ARN',
  trainingInstanceType: 'TRAINING_INSTANCE_TYPE',
  trainingMaxSeconds: 'TRAINING_MAX_SECONDS',
  defaultHyperparameters: 'DEFAULT_HYPERPARAMETERS',
  gateMinAccuracy: 'GATE_MIN_ACCURACY',
  gateMaxRegression: 'GATE_MAX_REGRESSION',
  endpointMode: 'ENDPOINT_MODE',
  serverlessMemoryMb: 'SERVERLESS_MEMORY_MB',
  serverlessMaxConcurrency: 'SERVERLESS_MAX_CONCURRENCY',
  instanceType: 'ENDPOINT_INSTANCE_TYPE',
  instanceCount: 'ENDPOINT_INSTANCE_COUNT',
  shardRows: 'SHARD_ROWS',
  logLevel: 'LOG_LEVEL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function requireEnv(name: EnvName, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

export function optionalEnv(name: EnvName, fallback: string, env: Env = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function numberEnv(name: EnvName, fallback: number, env: Env = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`environment variable ${name} must be a number, got "${raw}"`);
  return value;
}
