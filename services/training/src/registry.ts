/**
 * The model registry in the artifacts bucket: registry/models/<job>.json (one ModelRecord per
 * trained model, whatever the outcome) and registry/live.json (the LivePointer the inference
 * service reads). live.json is replaced with a conditional write on the ETag it was read with,
 * so two concurrent deploys cannot silently overwrite each other's pointer.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REGISTRY_LIVE_KEY, modelRecordKey, type LivePointer, type ModelRecord } from '@digits/common';
import { EndpointBusyError, RegistryError, isS3NotFound, isS3PreconditionFailed } from './errors';

/** Older entries than this are dropped from live.history (their records stay in registry/models/). */
export const MAX_HISTORY = 50;

export type LiveEntry = LivePointer['history'][number];

export interface LiveState {
  pointer: LivePointer;
  /** ETag live.json was read with; the next write must match it. */
  etag?: string;
}

export class ModelRegistry {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  private async readJson(key: string): Promise<{ value: unknown; etag?: string } | undefined> {
    let text: string;
    let etag: string | undefined;
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = (await res.Body?.transformToString('utf-8')) ?? '';
      etag = res.ETag;
    } catch (e) {
      if (isS3NotFound(e)) return undefined;
      throw e;
    }
    try {
      return { value: JSON.parse(text), etag };
    } catch (e) {
      throw new RegistryError(`s3://${this.bucket}/${key} is not valid JSON: ${(e as Error).message}`);
    }
  }

  private async writeJson(
    key: string,
    value: unknown,
    condition: { IfMatch?: string; IfNoneMatch?: string } = {},
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
        ...condition,
      }),
    );
  }

  async getRecord(trainingJobName: string): Promise<ModelRecord | undefined> {
    const found = await this.readJson(modelRecordKey(trainingJobName));
    if (!found) return undefined;
    const record = found.value as Partial<ModelRecord>;
    if (record?.trainingJobName !== trainingJobName || typeof record.gate?.deploy !== 'boolean') {
      throw new RegistryError(
        `s3://${this.bucket}/${modelRecordKey(trainingJobName)} is not a model record of ${trainingJobName}`,
      );
    }
    return record as ModelRecord;
  }

  async putRecord(record: ModelRecord): Promise<void> {
    await this.writeJson(modelRecordKey(record.trainingJobName), record);
  }

  async getLive(): Promise<LiveState | undefined> {
    const found = await this.readJson(REGISTRY_LIVE_KEY);
    if (!found) return undefined;
    const p = found.value as Partial<LivePointer>;
    if (
      typeof p?.trainingJobName !== 'string' ||
      typeof p.endpointConfigName !== 'string' ||
      typeof p.testAccuracy !== 'number' ||
      !Array.isArray(p.history)
    ) {
      throw new RegistryError(`s3://${this.bucket}/${REGISTRY_LIVE_KEY} is not a live pointer`);
    }
    return { pointer: p as LivePointer, etag: found.etag };
  }

  /** Replace live.json only if it is still what `previous` read (or still absent). */
  async putLive(pointer: LivePointer, previous: LiveState | undefined): Promise<void> {
    const condition = previous?.etag ? { IfMatch: previous.etag } : previous ? {} : { IfNoneMatch: '*' };
    try {
      await this.writeJson(REGISTRY_LIVE_KEY, { ...pointer, history: pointer.history.slice(-MAX_HISTORY) }, condition);
    } catch (e) {
      if (isS3PreconditionFailed(e))
        throw new EndpointBusyError(`${REGISTRY_LIVE_KEY} changed while deploying ${pointer.trainingJobName}; retry`);
      throw e;
    }
  }
}

export function liveEntry(pointer: LivePointer): LiveEntry {
  const { trainingJobName, modelName, endpointConfigName, testAccuracy, deployedAt } = pointer;
  return { trainingJobName, modelName, endpointConfigName, testAccuracy, deployedAt };
}

/** True if the job is or was live: a redelivered event for it must not deploy it again. */
export function wasLive(live: LivePointer | undefined, trainingJobName: string): boolean {
  return Boolean(
    live &&
    (live.trainingJobName === trainingJobName || live.history.some((h) => h.trainingJobName === trainingJobName)),
  );
}
