/**
 * The CreateModel and CreateEndpointConfig requests for a trained job. Serverless inference by
 * default (memory + max concurrency, pay per request); instance type and count as the alternative.
 */
import type {
  CreateEndpointConfigInput,
  CreateModelInput,
  ProductionVariant,
  ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import type { EndpointSettings } from './config';

/** One variant, always this name: blue/green updates need the new config's variant to match the old one's. */
export const VARIANT_NAME = 'AllTraffic';
export const TRAINING_JOB_TAG = 'digits:training-job';

export function productionVariant(modelName: string, endpoint: EndpointSettings): ProductionVariant {
  if (endpoint.mode === 'serverless') {
    return {
      VariantName: VARIANT_NAME,
      ModelName: modelName,
      ServerlessConfig: { MemorySizeInMB: endpoint.memoryMb, MaxConcurrency: endpoint.maxConcurrency },
    };
  }
  return {
    VariantName: VARIANT_NAME,
    ModelName: modelName,
    InstanceType: endpoint.instanceType as ProductionVariantInstanceType,
    InitialInstanceCount: endpoint.instanceCount,
    InitialVariantWeight: 1,
  };
}

export interface ModelSource {
  trainingJobName: string;
  image: string;
  modelArtifact: string;
}

export function createModelInput(
  source: ModelSource,
  modelName: string,
  roleArn: string,
  endpoint: EndpointSettings,
): CreateModelInput {
  return {
    ModelName: modelName,
    ExecutionRoleArn: roleArn,
    // The image that trained the model also serves it (one image, `train` and `serve`).
    PrimaryContainer: { Image: source.image, ModelDataUrl: source.modelArtifact, Mode: 'SingleModel' },
    // `serve` needs no network; serverless inference does not support network isolation.
    EnableNetworkIsolation: endpoint.mode === 'instance',
    Tags: [{ Key: TRAINING_JOB_TAG, Value: source.trainingJobName }],
  };
}

export function createEndpointConfigInput(
  trainingJobName: string,
  configName: string,
  modelName: string,
  endpoint: EndpointSettings,
): CreateEndpointConfigInput {
  return {
    EndpointConfigName: configName,
    ProductionVariants: [productionVariant(modelName, endpoint)],
    Tags: [{ Key: TRAINING_JOB_TAG, Value: trainingJobName }],
  };
}
