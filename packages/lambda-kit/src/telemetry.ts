/**
 * Metrics and traces of a function: Powertools for AWS Lambda's Metrics (CloudWatch embedded metric
 * format: one JSON line on stdout that CloudWatch Logs turns into metrics, no API call) and Tracer
 * (X-Ray). Both read their settings from the environment serverless.yml sets:
 * POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE (`digits-<stage>`), POWERTOOLS_TRACE_ENABLED.
 * A function's code records through `FunctionMetrics`, so domain modules do not know Powertools.
 *
 * The Tracer is loaded only where it traces (inside Lambda, tracing not turned off): importing it
 * loads the X-Ray SDK, whose cls-hooked context puts an async hook on every promise — measured
 * here, 200,000 awaits took 600–800 ms with it imported (tracing disabled) against 50 ms without,
 * a few milliseconds of each /predict through the promise-heavy AWS SDK for nothing.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';

/** A metric's dimensions, e.g. `{ digit: '7' }`: each distinct value is its own CloudWatch metric (and cost). */
export type MetricDimensions = Readonly<Record<string, string>>;

/** What a function's code records. Values without dimensions are published once per invocation. */
export interface FunctionMetrics {
  count(name: string, value?: number, dimensions?: MetricDimensions): void;
  milliseconds(name: string, value: number, dimensions?: MetricDimensions): void;
  seconds(name: string, value: number, dimensions?: MetricDimensions): void;
  /** A unitless value: an accuracy, a confidence, a drift score. */
  value(name: string, value: number, dimensions?: MetricDimensions): void;
}

export interface FunctionTelemetry {
  metrics: FunctionMetrics;
  /** An AWS SDK v3 client whose calls are X-Ray subsegments when tracing; the client itself when not. */
  traceClient<T>(client: T): T;
  /** The Powertools instances, for the middlewares; no Tracer where nothing is traced. */
  powertools: { metrics: Metrics; tracer?: Tracer };
}

/** Powertools' own reading of POWERTOOLS_TRACE_ENABLED (false, 0, n, no, off turn it off), and only inside Lambda. */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.AWS_EXECUTION_ENV) return false;
  return !/^(false|0|n|no|off)$/i.test(env.POWERTOOLS_TRACE_ENABLED?.trim() ?? '');
}

function loadTracer(serviceName: string): Tracer | undefined {
  if (!tracingWanted()) return undefined;
  // Required here, not imported at the top: see the module comment (esbuild keeps it lazy in the bundle).
  type TracerModule = typeof import('@aws-lambda-powertools/tracer');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tracer: TracerClass } = require('@aws-lambda-powertools/tracer') as TracerModule;
  return new TracerClass({ serviceName });
}

/** Records nothing: for code run outside a function (benchmarks, scripts) and unit tests that do not look. */
export const NO_METRICS: FunctionMetrics = {
  count: () => undefined,
  milliseconds: () => undefined,
  seconds: () => undefined,
  value: () => undefined,
};

/** `service` is the default when POWERTOOLS_SERVICE_NAME is not set (tests, scripts). */
export function createFunctionTelemetry(service: string): FunctionTelemetry {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? service;
  const metrics = new Metrics({ serviceName });
  const tracer = loadTracer(serviceName);
  // A dimensioned value is its own EMF line (written at once), so its dimensions do not spread to
  // the others. One single-metric instance per dimension set, kept: `metrics.singleMetric()` builds
  // a new instance (and its console) on every call, a measurable share of a /predict (bench:predict).
  const single = new Map<string, Metrics>();
  const singleFor = (dimensions: MetricDimensions): Metrics => {
    const key = JSON.stringify(dimensions);
    let m = single.get(key);
    if (!m)
      single.set(key, (m = new Metrics({ serviceName, singleMetric: true, defaultDimensions: { ...dimensions } })));
    return m;
  };
  const record =
    (unit: (typeof MetricUnit)[keyof typeof MetricUnit]) =>
    (name: string, value: number, dimensions?: MetricDimensions): void => {
      if (!dimensions || Object.keys(dimensions).length === 0) metrics.addMetric(name, unit, value);
      else singleFor(dimensions).addMetric(name, unit, value);
    };
  return {
    metrics: {
      count: (name, value = 1, dimensions) => record(MetricUnit.Count)(name, value, dimensions),
      milliseconds: record(MetricUnit.Milliseconds),
      seconds: record(MetricUnit.Seconds),
      value: record(MetricUnit.NoUnit),
    },
    traceClient: <T>(client: T): T => (tracer ? (tracer.captureAWSv3Client(client as never) as T) : client),
    powertools: { metrics, tracer },
  };
}

let shared: FunctionTelemetry | undefined;

/** The container's one telemetry (created on first use), as Powertools recommends one instance per container. */
export function functionTelemetry(service: string): FunctionTelemetry {
  return (shared ??= createFunctionTelemetry(service));
}

/**
 * Publishes the invocation's metrics once it ends (answer or error). Unlike Powertools' own
 * `logMetrics`, an invocation that recorded nothing (GET /health) writes no warning line.
 */
export function metricsPublishing(metrics: Metrics): middy.MiddlewareObj {
  const publish = async (): Promise<void> => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

/** Tracing (a segment per invocation, errors and cold start annotated) then metrics publishing, outermost first. */
export function functionInstrumentation(telemetry: FunctionTelemetry): middy.MiddlewareObj[] {
  const { tracer, metrics } = telemetry.powertools;
  const tracing = tracer ? [captureLambdaHandler(tracer, { captureResponse: false }) as middy.MiddlewareObj] : [];
  return [...tracing, metricsPublishing(metrics)];
}
