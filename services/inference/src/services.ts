import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createS3Client, createSageMakerRuntimeClient, type DigitPrediction, type Logger } from '@digits/common';
import { NO_METRICS, type FunctionMetrics } from '@digits/lambda-kit';
import { cached, type Cached } from './cache';
import type { InferenceConfig } from './config';
import { invokeEndpoint } from './endpoint/runtime';
import { endpointStatusCache, type EndpointState } from './endpoint/status';
import { liveModelCache, type LiveModel } from './registry/live-model';
import { s3Capture, type Capture } from './predict/capture';
import { driftReportCache } from './monitoring/drift';
import type { DriftReport } from '@digits/common';
import { s3CorrectionStore, type CorrectionStore } from './feedback/store';
import type { FeedbackSettings } from './config';
import { modelHistoryCache, type ModelHistoryEntry } from './registry/history';

/** How long a count of the pending corrections is reused by GET /model (POST /feedback counts afresh). */
export const PENDING_CORRECTIONS_TTL_MS = 5_000;

/** Corrections (POST /feedback and the page's panel). */
export interface FeedbackServices {
  settings: FeedbackSettings;
  store: CorrectionStore;
  pending: Cached<number>;
}

/** What the routes need from the outside world; built once per Lambda container. */
export interface Services {
  config: InferenceConfig;
  logger: Logger;
  endpointStatus: Cached<EndpointState>;
  liveModel: Cached<LiveModel | undefined>;
  invoke(images: Float32Array[]): Promise<DigitPrediction[]>;
  now(): number;
  metrics: FunctionMetrics;
  driftReport: Cached<DriftReport | null>;
  /** Undefined when capture is off (no monitoring bucket configured). */
  capture?: Capture;
  /** The newest model records of the registry, newest first (GET /model's history). */
  modelHistory: Cached<ModelHistoryEntry[]>;
  /** Undefined when the stage collects no corrections (no inbox bucket configured). */
  feedback?: FeedbackServices;
}

export interface Clients {
  runtime: SageMakerRuntimeClient;
  /** Created on first use (see endpoint/status.ts). */
  sagemaker: () => Promise<SageMakerClient>;
  s3: S3Client;
}

/** `instrument` wraps each SDK client (the Tracer's captureAWSv3Client: each AWS call its own X-Ray subsegment). */
export function createClients(instrument: <T>(client: T) => T = (c) => c): Clients {
  let sagemaker: Promise<SageMakerClient> | undefined;
  return {
    runtime: instrument(createSageMakerRuntimeClient()),
    // The same construction as createSageMakerClient in @digits/common, whose static import would
    // put the control-plane client's load on every cold start.
    sagemaker: () =>
      (sagemaker ??= import('@aws-sdk/client-sagemaker').then(({ SageMakerClient }) =>
        instrument(new SageMakerClient({})),
      )),
    s3: instrument(createS3Client()),
  };
}

export function createServices(
  config: InferenceConfig,
  clients: Clients = createClients(),
  logger: Logger,
  metrics: FunctionMetrics = NO_METRICS,
): Services {
  return {
    config,
    logger,
    endpointStatus: endpointStatusCache(clients.sagemaker, config.endpointName),
    liveModel: liveModelCache(clients.s3, config.artifactsBucket),
    invoke: (images) => invokeEndpoint(clients.runtime, config.endpointName, images),
    now: () => performance.now(),
    metrics,
    driftReport: driftReportCache(clients.s3, config.monitoring?.bucket),
    modelHistory: modelHistoryCache(clients.s3, config.artifactsBucket),
    ...(config.feedback ? { feedback: feedbackServices(clients.s3, config.feedback) } : {}),
    ...(config.monitoring
      ? {
          capture: s3Capture(clients.s3, config.monitoring.bucket, {
            rate: config.monitoring.captureRate,
            maxRecords: config.monitoring.captureBatch,
            maxAgeMs: config.monitoring.captureFlushSeconds * 1000,
          }),
        }
      : {}),
  };
}

function feedbackServices(s3: S3Client, settings: FeedbackSettings): FeedbackServices {
  const store = s3CorrectionStore(s3, settings.inboxBucket);
  return { settings, store, pending: cached(() => store.countPending(), PENDING_CORRECTIONS_TTL_MS) };
}
