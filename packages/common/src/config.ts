/**
 * Environment variable names shared by every service and the offline runner.
 * serverless.yml files set these; functions read them only through @digits/lambda-kit's envReader.
 */
export const ENV = {
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
  /** JSON hyperparameters a corrections (fine-tuning) job gets over the defaults. */
  fineTuneHyperparameters: 'FINE_TUNE_HYPERPARAMETERS',
  gateMinAccuracy: 'GATE_MIN_ACCURACY',
  gateMaxRegression: 'GATE_MAX_REGRESSION',
  gateClassMaxDrop: 'GATE_CLASS_MAX_DROP',
  gateClassFloor: 'GATE_CLASS_FLOOR',
  endpointMode: 'ENDPOINT_MODE',
  serverlessMemoryMb: 'SERVERLESS_MEMORY_MB',
  serverlessMaxConcurrency: 'SERVERLESS_MAX_CONCURRENCY',
  instanceType: 'ENDPOINT_INSTANCE_TYPE',
  instanceCount: 'ENDPOINT_INSTANCE_COUNT',
  shardRows: 'SHARD_ROWS',
  logLevel: 'LOG_LEVEL',
  monitoringBucket: 'MONITORING_BUCKET',
  captureRate: 'DIGITS_CAPTURE_RATE',
  captureBatch: 'DIGITS_CAPTURE_BATCH',
  captureFlushSeconds: 'DIGITS_CAPTURE_FLUSH_SECONDS',
  /** Corrections not yet learned from that start a retraining (serverless param feedbackMinCorrections). */
  feedbackMinCorrections: 'FEEDBACK_MIN_CORRECTIONS',
  /** When waiting corrections are collected anyway (serverless param feedbackSchedule, an EventBridge expression). */
  feedbackSchedule: 'FEEDBACK_SCHEDULE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export class ConfigError extends Error {
  override name = 'ConfigError';
}
