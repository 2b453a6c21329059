import { ConfigError } from '@digits/common';
import { loadDeploySettings, loadTrainingSettings } from '../src/config';

const base = {
  PROCESSED_BUCKET: 'digits-dev-processed',
  ARTIFACTS_BUCKET: 'digits-dev-artifacts',
  ENDPOINT_NAME: 'digits-dev',
  TRAINING_JOB_PREFIX: 'digits-dev',
  MODEL_IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/digits-dev-model:latest',
  SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
};

describe('loadTrainingSettings', () => {
  it('reads the stage settings with defaults for the optional ones', () => {
    expect(loadTrainingSettings({ ...base, DEFAULT_HYPERPARAMETERS: '{"epochs": 3, "batch_size": "64"}' })).toEqual({
      processedBucket: 'digits-dev-processed',
      artifactsBucket: 'digits-dev-artifacts',
      jobPrefix: 'digits-dev',
      imageUri: base.MODEL_IMAGE_URI,
      roleArn: base.SAGEMAKER_ROLE_ARN,
      instanceType: 'ml.m5.xlarge',
      volumeGb: 10,
      maxRuntimeSeconds: 3600,
      defaultHyperparameters: { epochs: '3', batch_size: '64' },
    });
  });

  it('names the variable that is missing or wrong', () => {
    const { MODEL_IMAGE_URI: _, ...noImage } = base;
    expect(() => loadTrainingSettings(noImage)).toThrow(
      new ConfigError('environment variable MODEL_IMAGE_URI is not set'),
    );
    expect(() => loadTrainingSettings({ ...base, DEFAULT_HYPERPARAMETERS: '{epochs:3}' })).toThrow(
      /DEFAULT_HYPERPARAMETERS is not valid JSON/,
    );
    expect(() => loadTrainingSettings({ ...base, DEFAULT_HYPERPARAMETERS: '{"epoch":3}' })).toThrow(
      /unknown hyperparameter "epoch"/,
    );
    expect(() => loadTrainingSettings({ ...base, TRAINING_JOB_PREFIX: 'Digits_Dev' })).toThrow(
      /TRAINING_JOB_PREFIX must be/,
    );
    expect(() => loadTrainingSettings({ ...base, TRAINING_MAX_SECONDS: '10' })).toThrow(
      /TRAINING_MAX_SECONDS must be an integer from 60/,
    );
  });
});

describe('loadDeploySettings', () => {
  it('defaults to a serverless endpoint and the 0.98 gate', () => {
    expect(loadDeploySettings(base)).toMatchObject({
      gate: { minAccuracy: 0.98, maxRegression: 0.005 },
      endpoint: { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 },
    });
  });

  it('reads the instance alternative and the gate overrides', () => {
    expect(
      loadDeploySettings({
        ...base,
        ENDPOINT_MODE: 'instance',
        ENDPOINT_INSTANCE_TYPE: 'ml.c5.large',
        ENDPOINT_INSTANCE_COUNT: '2',
        GATE_MIN_ACCURACY: '0.5',
      }),
    ).toMatchObject({
      gate: { minAccuracy: 0.5 },
      endpoint: { mode: 'instance', instanceType: 'ml.c5.large', instanceCount: 2 },
    });
  });

  it('refuses settings SageMaker would refuse', () => {
    expect(() => loadDeploySettings({ ...base, SERVERLESS_MEMORY_MB: '1500' })).toThrow(
      /SERVERLESS_MEMORY_MB must be 1024, 2048/,
    );
    expect(() => loadDeploySettings({ ...base, SERVERLESS_MAX_CONCURRENCY: '0' })).toThrow(
      /SERVERLESS_MAX_CONCURRENCY must be an integer from 1 to 200/,
    );
    expect(() => loadDeploySettings({ ...base, ENDPOINT_MODE: 'batch' })).toThrow(
      /ENDPOINT_MODE must be "serverless" or "instance"/,
    );
    expect(() => loadDeploySettings({ ...base, GATE_MIN_ACCURACY: '98' })).toThrow(
      /GATE_MIN_ACCURACY must be between 0 and 1/,
    );
  });
});
