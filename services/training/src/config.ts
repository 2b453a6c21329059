/**
 * Settings of the training service, read once from the environment that serverless.yml declares.
 * Every value is checked here so a misconfigured stage fails with a message naming the variable.
 */
import {
  ConfigError,
  ENV,
  HYPERPARAMETERS,
  numberEnv,
  optionalEnv,
  requireEnv,
  type Hyperparameters,
} from '@digits/common';

type Env = Record<string, string | undefined>;

/** Variables only this service reads (the shared ones live in @digits/common's ENV). */
export const TRAINING_ENV = {
  /** Stage-scoped prefix of every training job, model and endpoint config name, e.g. `digits-dev`. */
  jobPrefix: 'TRAINING_JOB_PREFIX',
  trainingVolumeGb: 'TRAINING_VOLUME_GB',
} as const;

/** Room left in a 63-character SageMaker name for dataset, version and hash. */
export const MAX_JOB_PREFIX_LENGTH = 32;
const JOB_PREFIX = /^[a-z0-9](-?[a-z0-9])*$/;

/** The service sets these itself so the model's metadata names its data; callers may not. */
export const SERVICE_HYPERPARAMETERS: ReadonlySet<string> = new Set([
  HYPERPARAMETERS.dataset,
  HYPERPARAMETERS.datasetVersion,
]);
const KNOWN_HYPERPARAMETERS: ReadonlySet<string> = new Set(Object.values(HYPERPARAMETERS));

export interface TrainingSettings {
  processedBucket: string;
  artifactsBucket: string;
  jobPrefix: string;
  imageUri: string;
  roleArn: string;
  instanceType: string;
  volumeGb: number;
  maxRuntimeSeconds: number;
  defaultHyperparameters: Hyperparameters;
}

export type EndpointSettings =
  | { mode: 'serverless'; memoryMb: number; maxConcurrency: number }
  | { mode: 'instance'; instanceType: string; instanceCount: number };

export interface GateSettings {
  /** Lowest test accuracy a model may have to be deployed. */
  minAccuracy: number;
  /** How much worse than the live model's test accuracy a new model may be. */
  maxRegression: number;
}

export interface DeploySettings {
  artifactsBucket: string;
  endpointName: string;
  jobPrefix: string;
  roleArn: string;
  gate: GateSettings;
  endpoint: EndpointSettings;
}

export interface RollbackSettings {
  artifactsBucket: string;
  endpointName: string;
}

export function jobPrefixFromEnv(env: Env = process.env): string {
  const prefix = env[TRAINING_ENV.jobPrefix];
  if (!prefix) throw new ConfigError(`environment variable ${TRAINING_ENV.jobPrefix} is not set`);
  if (prefix.length > MAX_JOB_PREFIX_LENGTH || !JOB_PREFIX.test(prefix)) {
    throw new ConfigError(
      `environment variable ${TRAINING_ENV.jobPrefix} must be 1-${MAX_JOB_PREFIX_LENGTH} lower-case letters, digits and single '-', got "${prefix}"`,
    );
  }
  return prefix;
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`environment variable ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function fraction(name: string, value: number): number {
  if (value < 0 || value > 1)
    throw new ConfigError(`environment variable ${name} must be between 0 and 1, got ${value}`);
  return value;
}

/**
 * Check a hyperparameter map (defaults or a caller's overrides): known names only, values that
 * are strings or finite numbers (SageMaker passes strings), never the names the service sets.
 */
export function checkHyperparameters(input: unknown, source: string): Hyperparameters {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw new ConfigError(`${source} must be an object of name → value`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!KNOWN_HYPERPARAMETERS.has(name)) {
      throw new ConfigError(
        `${source}: unknown hyperparameter "${name}" (known: ${[...KNOWN_HYPERPARAMETERS].join(', ')})`,
      );
    }
    if (SERVICE_HYPERPARAMETERS.has(name))
      throw new ConfigError(`${source}: hyperparameter "${name}" is set by the training service`);
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || text.trim() === '' || text.length > 256) {
      throw new ConfigError(
        `${source}: hyperparameter "${name}" must be a number or a non-empty string of at most 256 characters`,
      );
    }
    out[name] = text.trim();
  }
  return out as Hyperparameters;
}

function parseDefaultHyperparameters(env: Env): Hyperparameters {
  const raw = optionalEnv(ENV.defaultHyperparameters, '{}', env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(
      `environment variable ${ENV.defaultHyperparameters} is not valid JSON: ${(e as Error).message}`,
    );
  }
  return checkHyperparameters(parsed, `environment variable ${ENV.defaultHyperparameters}`);
}

export function loadTrainingSettings(env: Env = process.env): TrainingSettings {
  return {
    processedBucket: requireEnv(ENV.processedBucket, env),
    artifactsBucket: requireEnv(ENV.artifactsBucket, env),
    jobPrefix: jobPrefixFromEnv(env),
    imageUri: requireEnv(ENV.modelImageUri, env),
    roleArn: requireEnv(ENV.sageMakerRoleArn, env),
    instanceType: optionalEnv(ENV.trainingInstanceType, 'ml.m5.xlarge', env),
    // MNIST as CSV is ~130 MB; SageMaker's minimum volume leaves ample room.
    volumeGb: integerIn(TRAINING_ENV.trainingVolumeGb, Number(env[TRAINING_ENV.trainingVolumeGb] || 10), 1, 512),
    maxRuntimeSeconds: integerIn(ENV.trainingMaxSeconds, numberEnv(ENV.trainingMaxSeconds, 3600, env), 60, 432_000),
    defaultHyperparameters: parseDefaultHyperparameters(env),
  };
}

export function loadEndpointSettings(env: Env = process.env): EndpointSettings {
  const mode = optionalEnv(ENV.endpointMode, 'serverless', env);
  if (mode === 'serverless') {
    const memoryMb = numberEnv(ENV.serverlessMemoryMb, 2048, env);
    // Serverless inference accepts 1024–6144 MB in 1 GB steps and 1–200 concurrent invocations.
    if (!Number.isInteger(memoryMb) || memoryMb % 1024 !== 0 || memoryMb < 1024 || memoryMb > 6144) {
      throw new ConfigError(
        `environment variable ${ENV.serverlessMemoryMb} must be 1024, 2048, … or 6144, got ${memoryMb}`,
      );
    }
    const maxConcurrency = integerIn(
      ENV.serverlessMaxConcurrency,
      numberEnv(ENV.serverlessMaxConcurrency, 5, env),
      1,
      200,
    );
    return { mode, memoryMb, maxConcurrency };
  }
  if (mode === 'instance') {
    return {
      mode,
      instanceType: optionalEnv(ENV.instanceType, 'ml.m5.large', env),
      instanceCount: integerIn(ENV.instanceCount, numberEnv(ENV.instanceCount, 1, env), 1, 100),
    };
  }
  throw new ConfigError(`environment variable ${ENV.endpointMode} must be "serverless" or "instance", got "${mode}"`);
}

export function loadDeploySettings(env: Env = process.env): DeploySettings {
  return {
    artifactsBucket: requireEnv(ENV.artifactsBucket, env),
    endpointName: requireEnv(ENV.endpointName, env),
    jobPrefix: jobPrefixFromEnv(env),
    roleArn: requireEnv(ENV.sageMakerRoleArn, env),
    gate: {
      minAccuracy: fraction(ENV.gateMinAccuracy, numberEnv(ENV.gateMinAccuracy, 0.98, env)),
      maxRegression: fraction(ENV.gateMaxRegression, numberEnv(ENV.gateMaxRegression, 0.005, env)),
    },
    endpoint: loadEndpointSettings(env),
  };
}

export function loadRollbackSettings(env: Env = process.env): RollbackSettings {
  return { artifactsBucket: requireEnv(ENV.artifactsBucket, env), endpointName: requireEnv(ENV.endpointName, env) };
}
