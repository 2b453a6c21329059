import { ConfigError } from '@digits/common';
import { readDeployConfig, readRollbackConfig, readStartTrainingConfig } from '../src/config';
import { DEPLOY_ENV, ROLLBACK_ENV, START_TRAINING_ENV } from './function-env';
import { ARTIFACTS, ENDPOINT, IMAGE, PREFIX, PROCESSED, ROLE_ARN } from './aws-fakes';

const startTraining = START_TRAINING_ENV;
const deploy = DEPLOY_ENV;
const stage = ROLLBACK_ENV;

describe('readStartTrainingConfig', () => {
  it('reads every setting serverless.yml sets', () => {
    expect(readStartTrainingConfig(startTraining)).toEqual({
      processedBucket: PROCESSED,
      artifactsBucket: ARTIFACTS,
      jobPrefix: PREFIX,
      imageUri: IMAGE,
      roleArn: ROLE_ARN,
      instanceType: 'ml.m5.xlarge',
      volumeGb: 10,
      maxRuntimeSeconds: 3600,
      defaultHyperparameters: { epochs: '5' },
      fineTuneHyperparameters: { epochs: '3', replay_rows: '6000' },
      maxAttempts: 3,
      logLevel: 'info',
    });
  });

  it('names the variable that is missing or wrong (code holds no defaults)', () => {
    const { MODEL_IMAGE_URI: _, ...noImage } = startTraining;
    expect(() => readStartTrainingConfig(noImage)).toThrow(
      new ConfigError('environment variable MODEL_IMAGE_URI is not set'),
    );
    const { TRAINING_VOLUME_GB: __, ...noVolume } = startTraining;
    expect(() => readStartTrainingConfig(noVolume)).toThrow('environment variable TRAINING_VOLUME_GB is not set');
    expect(() => readStartTrainingConfig({ ...startTraining, DEFAULT_HYPERPARAMETERS: '{epochs:3}' })).toThrow(
      /DEFAULT_HYPERPARAMETERS is not valid JSON/,
    );
    expect(() => readStartTrainingConfig({ ...startTraining, DEFAULT_HYPERPARAMETERS: '{"epoch":3}' })).toThrow(
      /unknown hyperparameter "epoch"/,
    );
    expect(() =>
      readStartTrainingConfig({ ...startTraining, FINE_TUNE_HYPERPARAMETERS: '{"replay_row":"9"}' }),
    ).toThrow(/FINE_TUNE_HYPERPARAMETERS.*unknown hyperparameter "replay_row"/);
    expect(() => readStartTrainingConfig({ ...startTraining, TRAINING_JOB_PREFIX: 'Digits_Dev' })).toThrow(
      /TRAINING_JOB_PREFIX must be/,
    );
    expect(() => readStartTrainingConfig({ ...startTraining, TRAINING_MAX_SECONDS: '10' })).toThrow(
      /TRAINING_MAX_SECONDS must be an integer from 60/,
    );
    expect(() => readStartTrainingConfig({ ...startTraining, LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of debug, info, warn, error',
    );
  });
});

describe('readDeployConfig', () => {
  it('reads a serverless endpoint and the gate', () => {
    expect(readDeployConfig(deploy)).toMatchObject({
      gate: {
        minAccuracy: 0.98,
        maxRegression: 0.005,
        classMaxDrop: 0.01,
        classFloor: 0.9,
        feedback: { maxReferenceDrop: 0.001, minGain: 0.02 },
      },
      endpoint: { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 },
      logLevel: 'info',
    });
  });

  it('reads the instance alternative and the gate overrides', () => {
    expect(
      readDeployConfig({
        ...deploy,
        ENDPOINT_MODE: 'instance',
        ENDPOINT_INSTANCE_TYPE: 'ml.c5.large',
        ENDPOINT_INSTANCE_COUNT: '2',
        GATE_MIN_ACCURACY: '0.5',
        GATE_CLASS_FLOOR: '0.8',
      }),
    ).toMatchObject({
      gate: { minAccuracy: 0.5, classFloor: 0.8 },
      endpoint: { mode: 'instance', instanceType: 'ml.c5.large', instanceCount: 2 },
    });
  });

  it('refuses settings SageMaker would refuse', () => {
    expect(() => readDeployConfig({ ...deploy, SERVERLESS_MEMORY_MB: '1500' })).toThrow(
      /SERVERLESS_MEMORY_MB must be 1024, 2048/,
    );
    expect(() => readDeployConfig({ ...deploy, SERVERLESS_MAX_CONCURRENCY: '0' })).toThrow(
      /SERVERLESS_MAX_CONCURRENCY must be an integer from 1 to 200/,
    );
    expect(() => readDeployConfig({ ...deploy, ENDPOINT_MODE: 'batch' })).toThrow(
      /ENDPOINT_MODE must be one of serverless, instance/,
    );
    expect(() => readDeployConfig({ ...deploy, GATE_MIN_ACCURACY: '98' })).toThrow(
      /GATE_MIN_ACCURACY must be a number from 0 to 1/,
    );
  });
});

const gateEnv = {
  GATE_MIN_ACCURACY: '0.98',
  GATE_MAX_REGRESSION: '0.005',
  GATE_CLASS_MAX_DROP: '0.01',
  GATE_CLASS_FLOOR: '0.9',
};

describe('readRollbackConfig', () => {
  it('needs the registry, the endpoint and the gate', () => {
    expect(readRollbackConfig({ ...stage, ...gateEnv })).toEqual({
      artifactsBucket: ARTIFACTS,
      endpointName: ENDPOINT,
      logLevel: 'info',
      gate: {
        minAccuracy: 0.98,
        maxRegression: 0.005,
        classMaxDrop: 0.01,
        classFloor: 0.9,
        feedback: { maxReferenceDrop: 0.001, minGain: 0.02 },
      },
    });
  });
});
