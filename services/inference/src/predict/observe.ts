/**
 * What one answered /predict request records: its metrics (predictions by digit, confidences,
 * endpoint and handler latency) and, when sampled, its capture. Metrics are buffered and published
 * as one EMF line when the invocation ends (lambda-kit's metricsPublishing).
 */
import type { DigitPrediction, Logger } from '@digits/common';
import type { FunctionMetrics } from '@digits/lambda-kit';
import { captureRecord, type CaptureSink } from './capture';
import type { NormalisedInput } from './normalise-inputs';

export const PREDICT_METRICS = {
  predictions: 'Predictions',
  confidence: 'Confidence',
  endpointLatency: 'EndpointLatency',
  predictLatency: 'PredictLatency',
  captured: 'CapturedRequests',
  captureFailed: 'CaptureFailures',
} as const;

export interface Observed {
  predictions: DigitPrediction[];
  inputs: NormalisedInput[];
  model: string | null;
  endpointMs: number;
}

export function recordPrediction(metrics: FunctionMetrics, observed: Observed): void {
  const byDigit = new Map<number, number>();
  for (const p of observed.predictions) {
    byDigit.set(p.digit, (byDigit.get(p.digit) ?? 0) + 1);
    metrics.value(PREDICT_METRICS.confidence, p.probability);
  }
  // One line per digit answered: the digit is a dimension, so the dashboard can stack them.
  for (const [digit, n] of byDigit) metrics.count(PREDICT_METRICS.predictions, n, { digit: String(digit) });
  metrics.milliseconds(PREDICT_METRICS.endpointLatency, observed.endpointMs);
}

/** Writes the capture when this request is sampled; never throws (a lost capture costs no answer). */
export async function captureIfSampled(
  sink: CaptureSink | undefined,
  observed: Observed,
  metrics: FunctionMetrics,
  logger: Logger,
): Promise<void> {
  if (!sink?.sampled()) return;
  const at = new Date();
  try {
    await sink.write(captureRecord(observed.predictions, observed.inputs, observed.model, at), at);
    metrics.count(PREDICT_METRICS.captured);
  } catch (e) {
    metrics.count(PREDICT_METRICS.captureFailed);
    logger.warn('capture not written', { error: e });
  }
}
