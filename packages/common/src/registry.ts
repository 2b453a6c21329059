/**
 * The model registry in the artifacts bucket, written by the training service and read by it and
 * the inference API: registry/models/<job>.json (one ModelRecord per trained model, whatever the
 * outcome) and registry/live.json (the LivePointer: which model the stage's endpoint serves).
 * Both directions live here so the writer and every reader agree on what a valid object is.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { REGISTRY_LIVE_KEY, modelRecordKey } from './keys';
import type { GateDecision } from './model-contract';
import type { ModelEvaluation } from './model-report';
import type { ReferenceScores } from './reference-set';
import type { FeedbackScores } from './corrections';
import type { RobustnessScores } from './robustness';
import { putJsonText as putJson, readObjectText as readText } from './s3-objects';
import { isObject, parseJsonText } from './json-checks';

/** One record per trained model in the artifacts bucket's registry. */
export interface ModelRecord {
  trainingJobName: string;
  status: 'Completed' | 'Failed' | 'Stopped';
  dataset?: string;
  datasetVersion?: string;
  metrics: Record<string, number>;
  image?: string;
  modelArtifact?: string;
  modelName?: string;
  endpointConfigName?: string;
  gate: GateDecision;
  failureReason?: string;
  recordedAt: string;
  trainedAt?: string;
  /** From the model's metadata.json: its scores on its dataset's own test split. */
  evaluation?: ModelEvaluation;
  /** From the model's metadata.json: its scores on the stage's reference set, naming the version. */
  reference?: ReferenceScores;
  /** From the model's metadata.json, for a model trained on corrections: see FeedbackScores. */
  feedback?: FeedbackScores;
  /** From the model's metadata.json: its accuracy under the corruption suite. */
  robustness?: RobustnessScores;
  /** From the model's metadata.json: what it was trained with, as trained (an ensemble's members, augmentation). */
  hyperparameters?: Record<string, string | number>;
}

/** A model the endpoint served (or serves): live.json's own fields and each of its history entries. */
export interface LiveEntry {
  trainingJobName: string;
  modelName: string;
  endpointConfigName: string;
  testAccuracy: number;
  deployedAt: string;
}

/** registry/live.json: which model the stage's endpoint serves, and the ones it served before. */
export interface LivePointer extends LiveEntry {
  endpointName: string;
  history: LiveEntry[];
}

/** A registry object that is not what the registry contract says (bad JSON, missing fields). */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** A registry object as read, with the ETag a conditional replace must match. */
export interface RegistryObject<T> {
  value: T;
  etag?: string;
}

/** How registry objects are stored: pretty JSON with a final newline (people read them too). */
export const encodeRegistryJson = (value: ModelRecord | LivePointer): string => `${JSON.stringify(value, null, 2)}\n`;

const isString = (v: unknown): v is string => typeof v === 'string';

function isLiveEntry(v: unknown): v is LiveEntry {
  return (
    isObject(v) &&
    isString(v.trainingJobName) &&
    isString(v.modelName) &&
    isString(v.endpointConfigName) &&
    typeof v.testAccuracy === 'number' &&
    isString(v.deployedAt)
  );
}

/** live.json's text → LivePointer; `where` names the object in the error. */
export function parseLivePointer(text: string, where = REGISTRY_LIVE_KEY): LivePointer {
  const v = parseJsonText(text, where, RegistryError);
  if (!isLiveEntry(v) || !isString((v as Partial<LivePointer>).endpointName)) {
    throw new RegistryError(
      `${where} is not a live pointer: needs endpointName, trainingJobName, modelName, endpointConfigName, deployedAt and a numeric testAccuracy`,
    );
  }
  const history = (v as Partial<LivePointer>).history;
  if (!Array.isArray(history) || !history.every(isLiveEntry))
    throw new RegistryError(`${where} is not a live pointer: history must list deployed models`);
  return v as LivePointer;
}

/** A model record's text → ModelRecord, checked to be the record of `trainingJobName`. */
export function parseModelRecord(
  text: string,
  trainingJobName: string,
  where = modelRecordKey(trainingJobName),
): ModelRecord {
  const v = parseJsonText(text, where, RegistryError);
  if (
    !isObject(v) ||
    v.trainingJobName !== trainingJobName ||
    !isObject(v.gate) ||
    typeof v.gate.deploy !== 'boolean' ||
    !isObject(v.metrics)
  ) {
    throw new RegistryError(`${where} is not a model record of ${trainingJobName}`);
  }
  return v as unknown as ModelRecord;
}

/** registry/live.json and its ETag; undefined before any model was deployed. */
export async function readLivePointer(s3: S3Client, bucket: string): Promise<RegistryObject<LivePointer> | undefined> {
  const found = await readText(s3, bucket, REGISTRY_LIVE_KEY);
  return found && { value: parseLivePointer(found.value, `s3://${bucket}/${REGISTRY_LIVE_KEY}`), etag: found.etag };
}

/** registry/models/<job>.json; undefined when that job has no record. */
export async function readModelRecord(
  s3: S3Client,
  bucket: string,
  trainingJobName: string,
): Promise<ModelRecord | undefined> {
  const key = modelRecordKey(trainingJobName);
  const found = await readText(s3, bucket, key);
  return found && parseModelRecord(found.value, trainingJobName, `s3://${bucket}/${key}`);
}

export async function writeModelRecord(s3: S3Client, bucket: string, record: ModelRecord): Promise<void> {
  await putJson(s3, bucket, modelRecordKey(record.trainingJobName), encodeRegistryJson(record));
}

/**
 * Replace live.json only if it is still the version read (`etag`), or create it only if there is
 * none (`etag: null`). A lost race fails with S3's 412 (isPreconditionFailed): re-read and decide again.
 */
export async function writeLivePointer(
  s3: S3Client,
  bucket: string,
  pointer: LivePointer,
  { etag }: { etag: string | null | undefined },
): Promise<void> {
  const condition = etag === null ? { IfNoneMatch: '*' } : etag ? { IfMatch: etag } : {};
  await putJson(s3, bucket, REGISTRY_LIVE_KEY, encodeRegistryJson(pointer), condition);
}
