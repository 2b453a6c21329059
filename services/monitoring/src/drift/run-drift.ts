/**
 * One drift run: the captures of a window against the live model's reference (training statistics
 * and its answers on the reference sample). Writes drift/<time>.json and drift/latest.json to the
 * monitoring bucket and publishes each score as a metric (DriftScore, the largest, is alarmed on).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DRIFT_LATEST_KEY, driftReportKey, type DriftReport } from '@digits/common';
import { PermanentError } from '@digits/lambda-kit';
import type { Services } from '../services';
import { readCaptures } from './captures';
import { compare } from './compare';
import { modelBaseline, NoReference, readReference, type Reference } from './reference';

export interface DriftWindow {
  from: Date;
  to: Date;
}

export const DRIFT_METRICS = {
  score: 'DriftScore',
  byStatistic: 'DriftScoreByStatistic',
  samples: 'DriftSamples',
} as const;

export async function runDrift(services: Services, window: DriftWindow): Promise<DriftReport> {
  const { config, s3, logger, metrics } = services;
  const generatedAt = services.now();
  const captured = await readCaptures(s3, config.monitoringBucket, window, {
    maxObjects: config.maxCaptures,
    log: logger,
  });
  const base = {
    generatedAt: generatedAt.toISOString(),
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    samples: captured.statistics.count,
    threshold: config.threshold,
  };

  let reference: Reference | undefined;
  let report: DriftReport;
  try {
    reference = await readReference(s3, { artifacts: config.artifactsBucket, processed: config.processedBucket });
  } catch (e) {
    if (!(e instanceof NoReference)) throw e;
    report = {
      ...base,
      model: null,
      reference: null,
      scores: {},
      score: 0,
      status: 'insufficient-data',
      note: e.message,
    };
  }
  if (reference) {
    const ref = { dataset: reference.dataset, version: reference.version, count: reference.statistics.count };
    if (captured.statistics.count < config.minSamples) {
      report = {
        ...base,
        model: reference.model,
        reference: ref,
        scores: {},
        score: 0,
        status: 'insufficient-data',
        note: `${captured.statistics.count} captured digits in the window; at least ${config.minSamples} are needed`,
      };
    } else {
      let baselineNote: string | undefined;
      const baseline = await modelBaseline(
        { s3, runtime: services.runtime, endpointName: config.endpointName },
        { processed: config.processedBucket, monitoring: config.monitoringBucket },
        reference,
        config.baselineSample,
      ).catch((e: unknown) => {
        // Without the model's answers on the reference, the image statistics still judge.
        baselineNote = `the model's answers on the reference sample are unavailable: ${(e as Error).message}`;
        logger.warn('baseline unavailable', { error: e });
        return undefined;
      });
      const { scores, score } = compare(
        captured.statistics,
        reference.statistics,
        baseline ? { captured: captured.answers, reference: baseline.answers } : undefined,
      );
      report = {
        ...base,
        model: reference.model,
        reference: ref,
        scores,
        score,
        status: score > config.threshold ? 'drift' : 'ok',
        ...(baselineNote ? { note: baselineNote } : {}),
      };
      metrics.value(DRIFT_METRICS.score, score);
      for (const [statistic, value] of Object.entries(scores))
        metrics.value(DRIFT_METRICS.byStatistic, value, { statistic });
    }
  }
  metrics.count(DRIFT_METRICS.samples, captured.statistics.count);

  const body = JSON.stringify(report!, null, 2);
  for (const Key of [driftReportKey(generatedAt), DRIFT_LATEST_KEY]) {
    await s3.send(
      new PutObjectCommand({ Bucket: config.monitoringBucket, Key, Body: body, ContentType: 'application/json' }),
    );
  }
  logger.info('drift run', {
    status: report!.status,
    score: report!.score,
    samples: report!.samples,
    model: report!.model,
    scores: report!.scores,
  });
  return report!;
}

/** The window of an invocation: `{"from", "to"}` (ISO times) when given, else the last `hours` up to now. */
export function driftWindow(event: unknown, now: Date, hours: number): DriftWindow {
  const e = (event ?? {}) as { from?: unknown; to?: unknown };
  const to = typeof e.to === 'string' ? new Date(e.to) : now;
  const from = typeof e.from === 'string' ? new Date(e.from) : new Date(to.getTime() - hours * 3_600_000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
    throw new DriftInputError(
      `the window must be ISO times with from < to, got from=${String(e.from)} to=${String(e.to)}`,
    );
  return { from, to };
}

/** A window that cannot be: retrying the same event cannot help. */
export class DriftInputError extends PermanentError {
  override name = 'DriftInputError';
}
