import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import {
  REGISTRY_MODELS_PREFIX,
  RegistryError,
  readModelRecord,
  type FeedbackScores,
  type ModelRecord,
} from '@digits/common';
import { cached, type Cached } from '../cache';

/** How many model records GET /model lists, newest first. */
export const HISTORY_LENGTH = 10;
/** Records change when a training job ends (minutes apart): a listing per half minute is plenty. */
export const MODEL_HISTORY_TTL_MS = 30_000;

/** One trained model as the page's history shows it: when, what it learned from, its scores, the gate's word. */
export interface ModelHistoryEntry {
  trainingJobName: string;
  recordedAt: string;
  status: ModelRecord['status'];
  dataset: string | null;
  datasetVersion: string | null;
  /** On its dataset's own test split. */
  testAccuracy: number | null;
  /** On the stage's reference set (what the gate compares), naming its version. */
  reference: { version: string; accuracy: number } | null;
  /** For a model trained on corrections: what it learned from and its held-out scores. */
  feedback: FeedbackScores | null;
  gate: { deploy: boolean; reason: string };
}

export function historyEntry(record: ModelRecord): ModelHistoryEntry {
  const test = record.metrics.test_accuracy;
  return {
    trainingJobName: record.trainingJobName,
    recordedAt: record.recordedAt,
    status: record.status,
    dataset: record.dataset ?? null,
    datasetVersion: record.datasetVersion ?? null,
    testAccuracy: typeof test === 'number' ? test : null,
    reference: record.reference ? { version: record.reference.version, accuracy: record.reference.accuracy } : null,
    feedback: record.feedback ?? null,
    gate: { deploy: record.gate.deploy, reason: record.gate.reason },
  };
}

/**
 * The newest `limit` model records of registry/models/: the listing says which were written last
 * (so only those are read), the records' own recordedAt orders them. A record that is not one
 * (hand-edited, half-migrated) is left out rather than hiding the others.
 */
export async function readModelHistory(
  s3: S3Client,
  bucket: string,
  limit = HISTORY_LENGTH,
): Promise<ModelHistoryEntry[]> {
  const listed: Array<{ job: string; at: number }> = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: REGISTRY_MODELS_PREFIX })) {
    for (const { Key, LastModified } of page.Contents ?? []) {
      const job = Key?.slice(REGISTRY_MODELS_PREFIX.length).replace(/\.json$/, '');
      if (job && Key!.endsWith('.json') && !job.includes('/')) listed.push({ job, at: LastModified?.getTime() ?? 0 });
    }
  }
  const newest = listed.sort((a, b) => b.at - a.at || b.job.localeCompare(a.job)).slice(0, limit);
  const records = await Promise.all(
    newest.map(({ job }) =>
      readModelRecord(s3, bucket, job).catch((e: unknown) => {
        if (e instanceof RegistryError) return undefined;
        throw e;
      }),
    ),
  );
  return records
    .filter((r): r is ModelRecord => r !== undefined)
    .map(historyEntry)
    .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
}

export function modelHistoryCache(
  s3: S3Client,
  bucket: string,
  ttlMs = MODEL_HISTORY_TTL_MS,
  now?: () => number,
): Cached<ModelHistoryEntry[]> {
  return cached(() => readModelHistory(s3, bucket), ttlMs, now);
}
