/**
 * Settings of the inference API, from the environment serverless.yml sets (see
 * @digits/lambda-kit's envReader). ENDPOINT_NAME and ARTIFACTS_BUCKET are the shared names
 * (packages/common); the CORS origin list is this service's own setting.
 */
import { CAPTURE_MAX_BATCH_SECONDS, ENV } from '@digits/common';
import { envReader, type Env, type FunctionConfig } from '@digits/lambda-kit';

export const CORS_ORIGINS_ENV = 'CORS_ORIGINS';

export interface InferenceConfig {
  endpointName: string;
  artifactsBucket: string;
  /** Origins the browser page may call from; ['*'] allows any. */
  corsOrigins: string[];
  /** The monitoring service's bucket; absent: nothing is captured and GET /drift has no report. */
  monitoring?: MonitoringSettings;
  /** Where corrections (POST /feedback) go and when they are learned from; absent: POST /feedback answers 503. */
  feedback?: FeedbackSettings;
}

export interface FeedbackSettings {
  /** Ingest's inbox bucket: corrections/pending/<id>.json (packages/common/src/corrections.ts). */
  inboxBucket: string;
  /** Waiting corrections that start a retraining (FEEDBACK_MIN_CORRECTIONS), shown on the page. */
  minCorrections: number;
  /** When waiting corrections are collected anyway (FEEDBACK_SCHEDULE, an EventBridge expression), shown on the page. */
  schedule: string;
}

export interface MonitoringSettings {
  bucket: string;
  /** Share of /predict requests captured under captures/ (predict/capture.ts), 0–1 (DIGITS_CAPTURE_RATE). */
  captureRate: number;
  /** Records written as one object once this many are held (DIGITS_CAPTURE_BATCH). */
  captureBatch: number;
  /** …or once the oldest held is older than this, on the next request (DIGITS_CAPTURE_FLUSH_SECONDS). */
  captureFlushSeconds: number;
}

export function readConfig(env: Env = process.env): InferenceConfig & FunctionConfig {
  const read = envReader(env);
  return {
    endpointName: read.string(ENV.endpointName),
    artifactsBucket: read.string(ENV.artifactsBucket),
    corsOrigins: parseOrigins(read.string(CORS_ORIGINS_ENV)),
    monitoring: {
      bucket: read.string(ENV.monitoringBucket),
      captureRate: read.number(ENV.captureRate, { min: 0, max: 1, integer: false }),
      captureBatch: read.number(ENV.captureBatch, { min: 1, max: 1000 }),
      captureFlushSeconds: read.number(ENV.captureFlushSeconds, { min: 0, max: CAPTURE_MAX_BATCH_SECONDS }),
    },
    feedback: {
      inboxBucket: read.string(ENV.inboxBucket),
      minCorrections: read.number(ENV.feedbackMinCorrections, { min: 1, max: 1_000_000 }),
      schedule: read.string(ENV.feedbackSchedule),
    },
    logLevel: read.logLevel(),
  };
}

/** A comma-separated list (`*` for any origin), as serverless.yml's corsOrigins param holds it. */
export function parseOrigins(raw: string): string[] {
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}
