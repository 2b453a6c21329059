import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createS3Client, createSageMakerRuntimeClient, type DigitPrediction, type Logger } from '@digits/common';
import type { Cached } from './cache';
import type { InferenceConfig } from './config';
import { invokeEndpoint } from './endpoint/runtime';
import { endpointStatusCache, type EndpointState } from './endpoint/status';
import { liveModelCache, type LiveModel } from './registry/live-model';

/** What the routes need from the outside world; built once per Lambda container. */
export interface Services {
  config: InferenceConfig;
  logger: Logger;
  endpointStatus: Cached<EndpointState>;
  liveModel: Cached<LiveModel | undefined>;
  invoke(images: Float32Array[]): Promise<DigitPrediction[]>;
  now(): number;
}

export interface Clients {
  runtime: SageMakerRuntimeClient;
  /** Created on first use (see endpoint/status.ts). */
  sagemaker: () => Promise<SageMakerClient>;
  s3: S3Client;
}

export function createClients(): Clients {
  let sagemaker: Promise<SageMakerClient> | undefined;
  return {
    runtime: createSageMakerRuntimeClient(),
    // The same construction as createSageMakerClient in @digits/common, whose static import would
    // put the control-plane client's load on every cold start.
    sagemaker: () =>
      (sagemaker ??= import('@aws-sdk/client-sagemaker').then(({ SageMakerClient }) => new SageMakerClient({}))),
    s3: createS3Client(),
  };
}

export function createServices(config: InferenceConfig, clients: Clients = createClients(), logger: Logger): Services {
  return {
    config,
    logger,
    endpointStatus: endpointStatusCache(clients.sagemaker, config.endpointName),
    liveModel: liveModelCache(clients.s3, config.artifactsBucket),
    invoke: (images) => invokeEndpoint(clients.runtime, config.endpointName, images),
    now: () => performance.now(),
  };
}
