import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REGISTRY_LIVE_KEY, modelRecordKey, type LivePointer, type ModelRecord } from '@digits/common';
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

export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** registry/live.json and the record it points to; undefined when no model has been deployed. */
export async function readLiveModel(s3: S3Client, bucket: string): Promise<LiveModel | undefined> {
  const pointer = await readJson(s3, bucket, REGISTRY_LIVE_KEY);
  if (pointer === undefined) return undefined;
  if (!isLivePointer(pointer))
    throw new RegistryError(`s3://${bucket}/${REGISTRY_LIVE_KEY} is not a live-model pointer`);
  const record = await readJson(s3, bucket, modelRecordKey(pointer.trainingJobName));
  return record === undefined ? { pointer } : { pointer, record: record as ModelRecord };
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

async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  let text: string;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await out.Body!.transformToString('utf8');
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryError(`s3://${bucket}/${key} is not valid JSON`);
  }
}

function isLivePointer(v: unknown): v is LivePointer {
  const p = v as Partial<LivePointer> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.trainingJobName === 'string' &&
    typeof p.testAccuracy === 'number' &&
    typeof p.deployedAt === 'string'
  );
}
