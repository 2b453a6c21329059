/**
 * What one answered /predict request records: its metrics (predictions by digit, confidences,
 * endpoint and handler latency) and, when sampled, its capture record. Metrics are buffered and
 * published as one EMF line when the invocation ends (lambda-kit's metricsPublishing); capture
 * records are buffered in the instance and written in batches (capture-buffer.ts).
 */
import type { CaptureRecord, DigitPrediction, Logger } from '@digits/common';
import type { FunctionMetrics } from '@digits/lambda-kit';
import { captureRecord, type Capture, type CaptureSink } from './capture';
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

/**
 * Buffers this request's capture record when it is sampled, and writes the batch this request
 * completes or finds stale. That write is awaited by the request that triggers it (one in
 * ~maxRecords/rate): Lambda freezes the instance once the answer is returned, so a write left
 * running would stall mid-request until the next invocation thaws it (or be lost with the
 * instance, its failure reported by a stranger's request). Awaiting keeps every write finished
 * and counted inside one invocation, at one PUT's latency for that one request. Never throws (a
 * lost capture costs no answer); CapturedRequests and CaptureFailures count records, not objects.
 */
export async function captureIfSampled(
  capture: Capture | undefined,
  observed: Observed,
  metrics: FunctionMetrics,
  logger: Logger,
): Promise<void> {
  if (!capture) return;
  const now = Date.now();
  const due: CaptureRecord[][] = [];
  const stale = capture.buffer.takeStale(now);
  if (stale) due.push(stale);
  if (capture.sink.sampled()) {
    const record = captureRecord(observed.predictions, observed.inputs, observed.model, new Date(now));
    const full = capture.buffer.add(record, now);
    if (full) due.push(full);
  }
  for (const records of due) await writeBatch(capture.sink, records, metrics, logger);
}

async function writeBatch(
  sink: CaptureSink,
  records: CaptureRecord[],
  metrics: FunctionMetrics,
  logger: Logger,
): Promise<void> {
  try {
    await sink.write(records);
    metrics.count(PREDICT_METRICS.captured, records.length);
  } catch (e) {
    // Dropped, not retried: a sample can spare them, and a retry could write a record twice.
    metrics.count(PREDICT_METRICS.captureFailed, records.length);
    logger.warn('capture not written', { records: records.length, error: e });
  }
}
