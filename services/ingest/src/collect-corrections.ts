/**
 * Corrections → the `corrections` dataset. Runs when a correction arrives (S3 event: only once
 * FEEDBACK_MIN_CORRECTIONS are pending), on the schedule or by hand (whenever one is pending):
 *   1. read every learned and pending correction (a malformed one is moved aside, never fatal);
 *   2. write them as ONE dataset into the raw bucket (preprocess takes it from there): every training
 *      correction so far, and the new (pending) held-out ones as the test split (corrections-dataset.ts);
 *   3. move each pending correction it holds to learned/.
 * Safe to repeat: a run that stops between 2 and 3 is redone by the next one with the same
 * corrections, which writes the same bytes, hence the same dataset version, and preprocess finds
 * that version's manifest already there. A repeated event finds nothing pending and does nothing.
 * Two runs must not overlap (they could interleave two sets of files): the function runs one at a
 * time (reserved concurrency 1 on AWS; one-at-a-time.ts in the execution environment).
 */
import {
  CorrectionError,
  LEARNED_CORRECTIONS_PREFIX,
  PENDING_CORRECTIONS_PREFIX,
  correctionKeyId,
  parseCorrection,
  type CorrectionRecord,
  type Logger,
} from '@digits/common';
import { buildCorrectionsDataset } from './corrections-dataset';
import type { CorrectionsStore } from './corrections-store';

/** What started the run: a new pending correction (S3), the schedule, or an operator. */
export type CollectTrigger = 'correction' | 'schedule' | 'by-hand';

export interface RejectedCorrection {
  key: string;
  movedTo: string;
  reason: string;
}

interface Counts {
  trigger: CollectTrigger;
  /** Objects under corrections/pending/ when the run started. */
  pending: number;
}

export type CollectSummary =
  | (Counts & { status: 'below-threshold'; minCorrections: number })
  | (Counts & { status: 'nothing-pending'; rejected: RejectedCorrection[] })
  | (Counts & { status: 'waiting'; reason: string; rejected: RejectedCorrection[] })
  | (Counts & {
      status: 'collected';
      /** The version preprocess gives the dataset written. */
      datasetVersion: string;
      /** Corrections in the dataset's train and test (held-out) splits. */
      train: number;
      test: number;
      rawKeys: string[];
      /** Pending corrections moved to learned/ by this run. */
      learned: number;
      rejected: RejectedCorrection[];
    });

export interface CollectOptions {
  trigger: CollectTrigger;
  minCorrections: number;
  log?: Logger;
  /** Objects read at once. */
  readConcurrency?: number;
}

interface Valid {
  key: string;
  etag: string;
  record: CorrectionRecord;
}

export async function collectCorrections(store: CorrectionsStore, options: CollectOptions): Promise<CollectSummary> {
  const { trigger, minCorrections, log } = options;
  const pendingKeys = await store.list(PENDING_CORRECTIONS_PREFIX);
  const counts: Counts = { trigger, pending: pendingKeys.length };
  if (trigger === 'correction' && pendingKeys.length < minCorrections) {
    log?.info('corrections below the threshold; not collected', { ...counts, minCorrections });
    return { ...counts, status: 'below-threshold', minCorrections };
  }
  if (pendingKeys.length === 0) {
    log?.info('no pending corrections; nothing to collect', { ...counts });
    return { ...counts, status: 'nothing-pending', rejected: [] };
  }

  const learnedKeys = await store.list(LEARNED_CORRECTIONS_PREFIX);
  const rejected: RejectedCorrection[] = [];
  const readValid = async (key: string): Promise<Valid | undefined> => {
    const stored = await store.read(key);
    if (!stored) return undefined;
    try {
      const keyId = correctionKeyId(key);
      if (!keyId) throw new CorrectionError(`${key} is not corrections/(pending|learned)/<32 hex digits>.json`);
      const record = parseCorrection(stored.text, key);
      if (record.id !== keyId) throw new CorrectionError(`${key} holds correction ${record.id}`);
      return { key, etag: stored.etag, record };
    } catch (error) {
      if (!(error instanceof CorrectionError)) throw error;
      const movedTo = await store.setAside(key, stored.etag, error.message);
      log?.warn('malformed correction moved aside', { key, movedTo, reason: error.message });
      rejected.push({ key, movedTo, reason: error.message });
      return undefined;
    }
  };
  const pending = defined(await mapLimited(pendingKeys, options.readConcurrency ?? 16, readValid));
  const learned = defined(await mapLimited(learnedKeys, options.readConcurrency ?? 16, readValid));
  if (pending.length === 0) {
    log?.info('no valid pending corrections; nothing to collect', { ...counts, rejected: rejected.length });
    return { ...counts, status: 'nothing-pending', rejected };
  }

  const plan = buildCorrectionsDataset(
    learned.map((c) => c.record),
    pending.map((c) => c.record),
  );
  if (!plan.ready) {
    log?.info(`waiting for more corrections: ${plan.reason}`, { ...counts, learned: learned.length });
    return { ...counts, status: 'waiting', reason: plan.reason, rejected };
  }
  const { dataset } = plan;
  const rawKeys = await store.writeDataset(dataset);
  let moved = 0;
  for (const { key, etag, record } of pending) if ((await store.markLearned(key, record.id, etag)) === 'moved') moved++;
  const summary: CollectSummary = {
    ...counts,
    status: 'collected',
    datasetVersion: dataset.version,
    train: dataset.counts.train,
    test: dataset.counts.test,
    rawKeys,
    learned: moved,
    rejected,
  };
  log?.info('corrections collected into a dataset', { ...summary, rejected: rejected.length });
  return summary;
}

const defined = <T>(items: Array<T | undefined>): T[] => items.filter((i): i is T => i !== undefined);

/** `work` over `items` with at most `limit` running at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return results;
}
