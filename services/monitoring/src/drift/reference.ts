/**
 * What the captures are compared with: the live model (registry/live.json), the dataset version it
 * was trained on (its registry record), that version's training statistics (preprocess's
 * statistics.json) and — once per model version, then cached — the model's own answers on a fixed
 * sample of that version's test split, scored through the live endpoint (the trainer is untouched).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import {
  baselineKey,
  isInvocationResponse,
  isNotFound,
  manifestKey,
  MAX_BATCH,
  parseCsvRowsInto,
  parseImageStatistics,
  parseManifest,
  PIXELS,
  readLivePointer,
  readModelRecord,
  statisticsKey,
  type ImageStatistics,
} from '@digits/common';
import { AnswersAccumulator, type ModelAnswers } from './answers';

export interface Reference {
  model: string;
  dataset: string;
  version: string;
  statistics: ImageStatistics;
}

export class NoReference extends Error {
  override name = 'NoReference';
}

async function readText(s3: S3Client, Bucket: string, Key: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
    return await out.Body!.transformToString();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function readReference(
  s3: S3Client,
  buckets: { artifacts: string; processed: string },
): Promise<Reference> {
  const live = await readLivePointer(s3, buckets.artifacts);
  if (!live) throw new NoReference('no model is live yet');
  const model = live.value.trainingJobName;
  const record = await readModelRecord(s3, buckets.artifacts, model);
  if (!record?.dataset || !record.datasetVersion)
    throw new NoReference(`the live model ${model} has no dataset version in its registry record`);
  const key = statisticsKey(record.dataset, record.datasetVersion);
  const text = await readText(s3, buckets.processed, key);
  if (text === undefined)
    throw new NoReference(`no training statistics at s3://${buckets.processed}/${key} (written by preprocess)`);
  return {
    model,
    dataset: record.dataset,
    version: record.datasetVersion,
    statistics: parseImageStatistics(text, `s3://${buckets.processed}/${key}`),
  };
}

export interface Baseline {
  model: string;
  dataset: string;
  version: string;
  answers: ModelAnswers;
}

/** The live model's answers on the first `sample` rows of the reference version's test split (cached per model). */
export async function modelBaseline(
  deps: { s3: S3Client; runtime: SageMakerRuntimeClient; endpointName: string },
  buckets: { processed: string; monitoring: string },
  reference: Reference,
  sample: number,
): Promise<Baseline> {
  const { s3 } = deps;
  const cachedKey = baselineKey(reference.model);
  const cached = await readText(s3, buckets.monitoring, cachedKey);
  if (cached !== undefined) return JSON.parse(cached) as Baseline;

  const manifestText = await readText(s3, buckets.processed, manifestKey(reference.dataset, reference.version));
  if (manifestText === undefined) throw new NoReference(`no manifest for ${reference.dataset}/${reference.version}`);
  const manifest = parseManifest(JSON.parse(manifestText));
  const rows = { pixels: new Uint8Array(sample * PIXELS), labels: new Uint8Array(sample), rows: sample };
  let filled = 0;
  for (const shard of manifest.splits.test.shards) {
    if (filled >= sample) break;
    const out = await s3.send(new GetObjectCommand({ Bucket: buckets.processed, Key: shard.key }));
    filled += parseCsvRowsInto(await out.Body!.transformToByteArray(), shard.key, rows, filled, sample - filled);
  }
  const answers = new AnswersAccumulator();
  for (let i = 0; i < filled; i += MAX_BATCH) {
    const instances = [];
    for (let r = i; r < Math.min(filled, i + MAX_BATCH); r++)
      instances.push(Array.from(rows.pixels.subarray(r * PIXELS, (r + 1) * PIXELS), (v) => v / 255));
    const out = await deps.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: deps.endpointName,
        ContentType: 'application/json',
        Accept: 'application/json',
        Body: JSON.stringify({ instances }),
      }),
    );
    const parsed: unknown = JSON.parse(Buffer.from(out.Body ?? []).toString('utf8'));
    if (!isInvocationResponse(parsed)) throw new Error(`endpoint ${deps.endpointName} answered no predictions`);
    for (const p of parsed.predictions) answers.add(p.digit, p.probability);
  }
  const baseline: Baseline = {
    model: reference.model,
    dataset: reference.dataset,
    version: reference.version,
    answers: answers.result(),
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: buckets.monitoring,
      Key: cachedKey,
      Body: JSON.stringify(baseline),
      ContentType: 'application/json',
    }),
  );
  return baseline;
}
