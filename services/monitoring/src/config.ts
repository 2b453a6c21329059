/** Settings of the drift job, from the environment serverless.yml sets (see @digits/lambda-kit's envReader). */
import { ENV } from '@digits/common';
import { envReader, type Env, type FunctionConfig } from '@digits/lambda-kit';

export const DRIFT_ENV = {
  threshold: 'DRIFT_THRESHOLD',
  windowHours: 'DRIFT_WINDOW_HOURS',
  minSamples: 'DRIFT_MIN_SAMPLES',
  maxCaptures: 'DRIFT_MAX_CAPTURES',
  baselineSample: 'DRIFT_BASELINE_SAMPLE',
} as const;

export interface MonitoringConfig {
  monitoringBucket: string;
  artifactsBucket: string;
  processedBucket: string;
  endpointName: string;
  /** A statistic's Jensen–Shannon distance above this is drift (the alarm's threshold too). */
  threshold: number;
  /** The captures of the last this many hours are compared (a scheduled run). */
  windowHours: number;
  /** Fewer captured digits than this: too few to judge ("insufficient-data"). */
  minSamples: number;
  maxCaptures: number;
  /** Reference test digits scored through the endpoint once per model version. */
  baselineSample: number;
}

export function readConfig(env: Env = process.env): MonitoringConfig & FunctionConfig {
  const read = envReader(env);
  return {
    monitoringBucket: read.string(ENV.monitoringBucket),
    artifactsBucket: read.string(ENV.artifactsBucket),
    processedBucket: read.string(ENV.processedBucket),
    endpointName: read.string(ENV.endpointName),
    threshold: read.number(DRIFT_ENV.threshold, { min: 0, max: 1, integer: false }),
    windowHours: read.number(DRIFT_ENV.windowHours, { min: 1, max: 24 * 31 }),
    minSamples: read.number(DRIFT_ENV.minSamples, { min: 1, max: 1_000_000 }),
    maxCaptures: read.number(DRIFT_ENV.maxCaptures, { min: 1, max: 1_000_000 }),
    baselineSample: read.number(DRIFT_ENV.baselineSample, { min: 10, max: 10_000 }),
    logLevel: read.logLevel(),
  };
}
