import type { S3Client } from '@aws-sdk/client-s3';
import { readLivePointer, readModelRecord, type LivePointer, type ModelRecord } from '@digits/common';
import { cached, type Cached } from '../cache';

/** How long the live model's record is reused; a deployment takes minutes, so seconds are plenty. */
export const LIVE_MODEL_TTL_MS = 5_000;

/** The model the stage's endpoint serves, as the training service's registry records it. */
export interface LiveModel {
  pointer: LivePointer;
  /** registry/models/<job>.json; absent if it could not be found. */
  record?: ModelRecord;
}

/** What every prediction says about the model that made it. */
export interface ModelSummary {
  /** The training job that produced the model. */
  version: string;
  trainedAt: string | null;
  testAccuracy: number;
  dataset: string | null;
  datasetVersion: string | null;
  deployedAt: string;
}

/** registry/live.json and the record it points to; undefined when no model has been deployed. */
export async function readLiveModel(s3: S3Client, bucket: string): Promise<LiveModel | undefined> {
  const live = await readLivePointer(s3, bucket);
  if (!live) return undefined;
  const pointer = live.value;
  const record = await readModelRecord(s3, bucket, pointer.trainingJobName);
  return record ? { pointer, record } : { pointer };
}

export function liveModelCache(
  s3: S3Client,
  bucket: string,
  ttlMs = LIVE_MODEL_TTL_MS,
  now?: () => number,
): Cached<LiveModel | undefined> {
  return cached(() => readLiveModel(s3, bucket), ttlMs, now);
}

export function summarise({ pointer, record }: LiveModel): ModelSummary {
  return {
    version: pointer.trainingJobName,
    trainedAt: record?.trainedAt ?? null,
    testAccuracy: pointer.testAccuracy,
    dataset: record?.dataset ?? null,
    datasetVersion: record?.datasetVersion ?? null,
    deployedAt: pointer.deployedAt,
  };
}
