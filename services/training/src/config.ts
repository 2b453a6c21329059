/**
 * Settings of the training functions, from the environment serverless.yml sets (every variable,
 * with its default there; see @digits/lambda-kit's envReader). Every value is checked here so a
 * misconfigured stage fails with a message naming the variable.
 */
import { ConfigError, ENV, HYPERPARAMETERS, type Hyperparameters } from '@digits/common';
import { envReader, type Env, type EnvReader, type FunctionConfig } from '@digits/lambda-kit';
import { MAX_ATTEMPT } from './job-name';

/** Variables only this service reads (the shared ones live in @digits/common's ENV). */
export const TRAINING_ENV = {
  /** Stage-scoped prefix of every training job, model and endpoint config name, e.g. `digits-dev`. */
  jobPrefix: 'TRAINING_JOB_PREFIX',
  trainingVolumeGb: 'TRAINING_VOLUME_GB',
  /** How many jobs (attempts) one dataset version may use before it is given up on. */
  maxAttempts: 'TRAINING_MAX_ATTEMPTS',
  /** The gate's corrections rules (GateSettings.feedback). */
  gateFeedbackMaxMnistDrop: 'GATE_FEEDBACK_MAX_MNIST_DROP',
  gateFeedbackMinGain: 'GATE_FEEDBACK_MIN_GAIN',
} as const;

/** Room left in a 63-character SageMaker name for dataset, version and hash. */
export const MAX_JOB_PREFIX_LENGTH = 32;
const JOB_PREFIX = /^[a-z0-9](-?[a-z0-9])*$/;

/** The service sets these itself so the model's metadata names its data; callers may not. */
export const SERVICE_HYPERPARAMETERS: ReadonlySet<string> = new Set([
  HYPERPARAMETERS.dataset,
  HYPERPARAMETERS.datasetVersion,
  HYPERPARAMETERS.initModel,
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
  /** A corrections job's hyperparameters over the defaults (fine-tune.ts; a caller's still win). */
  fineTuneHyperparameters: Hyperparameters;
  /** Attempts per dataset version before training it is given up on (job-name.ts numbers them). */
  maxAttempts: number;
}

export type EndpointSettings =
  | { mode: 'serverless'; memoryMb: number; maxConcurrency: number }
  | { mode: 'instance'; instanceType: string; instanceCount: number };

/** What the gate (gate.ts) demands of a model's scores on the stage's reference set. */
export interface GateSettings {
  /** Lowest overall reference accuracy a model may have to be deployed. */
  minAccuracy: number;
  /** How much worse than the live model's overall reference accuracy a new model may be. */
  maxRegression: number;
  /** How much any one class's reference accuracy may drop below the live model's (0.01 = 1 point). */
  classMaxDrop: number;
  /** Lowest reference accuracy any one class may have. */
  classFloor: number;
  /** Further rules for a model trained on corrections. */
  feedback: {
    /** How much of the live model's reference accuracy it may lose (0.001 = 0.1 point). */
    maxReferenceDrop: number;
    /** How much better than the live model it must be on the held-out corrections. */
    minGain: number;
  };
}

export interface DeploySettings {
  artifactsBucket: string;
  endpointName: string;
  jobPrefix: string;
  roleArn: string;
  gate: GateSettings;
  endpoint: EndpointSettings;
}

/** What confirmDeployment needs: the registry and the endpoint. */
export interface RegistrySettings {
  artifactsBucket: string;
  endpointName: string;
}

/** Rollback also passes its target through the gate (gate.ts), like a new model. */
export interface RollbackSettings extends RegistrySettings {
  gate: GateSettings;
}

function jobPrefix(read: EnvReader): string {
  const prefix = read.string(TRAINING_ENV.jobPrefix);
  if (prefix.length > MAX_JOB_PREFIX_LENGTH || !JOB_PREFIX.test(prefix)) {
    throw new ConfigError(
      `environment variable ${TRAINING_ENV.jobPrefix} must be 1-${MAX_JOB_PREFIX_LENGTH} lower-case letters, digits and single '-', got "${prefix}"`,
    );
  }
  return prefix;
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

export function readStartTrainingConfig(env: Env = process.env): TrainingSettings & FunctionConfig {
  const read = envReader(env);
  return {
    processedBucket: read.string(ENV.processedBucket),
    artifactsBucket: read.string(ENV.artifactsBucket),
    jobPrefix: jobPrefix(read),
    imageUri: read.string(ENV.modelImageUri),
    roleArn: read.string(ENV.sageMakerRoleArn),
    instanceType: read.string(ENV.trainingInstanceType),
    volumeGb: read.number(TRAINING_ENV.trainingVolumeGb, { min: 1, max: 512 }),
    maxRuntimeSeconds: read.number(ENV.trainingMaxSeconds, { min: 60, max: 432_000 }),
    defaultHyperparameters: checkHyperparameters(
      read.json(ENV.defaultHyperparameters),
      `environment variable ${ENV.defaultHyperparameters}`,
    ),
    fineTuneHyperparameters: checkHyperparameters(
      read.json(ENV.fineTuneHyperparameters),
      `environment variable ${ENV.fineTuneHyperparameters}`,
    ),
    maxAttempts: read.number(TRAINING_ENV.maxAttempts, { min: 1, max: MAX_ATTEMPT }),
    logLevel: read.logLevel(),
  };
}

function readEndpointSettings(read: EnvReader): EndpointSettings {
  const mode = read.oneOf(ENV.endpointMode, ['serverless', 'instance'] as const);
  if (mode === 'instance') {
    return {
      mode,
      instanceType: read.string(ENV.instanceType),
      instanceCount: read.number(ENV.instanceCount, { min: 1, max: 100 }),
    };
  }
  // Serverless inference accepts 1024–6144 MB in 1 GB steps and 1–200 concurrent invocations.
  const memoryMb = read.number(ENV.serverlessMemoryMb, { min: 1024, max: 6144 });
  if (memoryMb % 1024 !== 0)
    throw new ConfigError(
      `environment variable ${ENV.serverlessMemoryMb} must be 1024, 2048, … or 6144, got ${memoryMb}`,
    );
  return { mode, memoryMb, maxConcurrency: read.number(ENV.serverlessMaxConcurrency, { min: 1, max: 200 }) };
}

export function readDeployConfig(env: Env = process.env): DeploySettings & FunctionConfig {
  const read = envReader(env);
  return {
    artifactsBucket: read.string(ENV.artifactsBucket),
    endpointName: read.string(ENV.endpointName),
    jobPrefix: jobPrefix(read),
    roleArn: read.string(ENV.sageMakerRoleArn),
    gate: readGateSettings(read),
    endpoint: readEndpointSettings(read),
    logLevel: read.logLevel(),
  };
}

function readGateSettings(read: EnvReader): GateSettings {
  const fraction = { min: 0, max: 1, integer: false };
  return {
    minAccuracy: read.number(ENV.gateMinAccuracy, fraction),
    maxRegression: read.number(ENV.gateMaxRegression, fraction),
    classMaxDrop: read.number(ENV.gateClassMaxDrop, fraction),
    classFloor: read.number(ENV.gateClassFloor, fraction),
    feedback: {
      maxReferenceDrop: read.number(TRAINING_ENV.gateFeedbackMaxMnistDrop, fraction),
      minGain: read.number(TRAINING_ENV.gateFeedbackMinGain, fraction),
    },
  };
}

/** confirmDeployment reads and writes the registry and describes the endpoint. */
export function readConfirmDeploymentConfig(env: Env = process.env): RegistrySettings & FunctionConfig {
  const read = envReader(env);
  return {
    artifactsBucket: read.string(ENV.artifactsBucket),
    endpointName: read.string(ENV.endpointName),
    logLevel: read.logLevel(),
  };
}

export function readRollbackConfig(env: Env = process.env): RollbackSettings & FunctionConfig {
  return { ...readConfirmDeploymentConfig(env), gate: readGateSettings(envReader(env)) };
}

/** reconcile starts training (startTraining's settings) and reads the stage endpoint. */
export function readReconcileConfig(
  env: Env = process.env,
): TrainingSettings & { endpointName: string } & FunctionConfig {
  return { ...readStartTrainingConfig(env), endpointName: envReader(env).string(ENV.endpointName) };
}
