/**
 * The training service's view of the model registry (the contract, readers and writers are
 * @digits/common's registry): records are written whatever a job's outcome, and live.json is
 * replaced with a conditional write on the ETag it was read with, so two concurrent deploys cannot
 * silently overwrite each other's pointer.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  REGISTRY_LIVE_KEY,
  isPreconditionFailed,
  readLivePointer,
  readModelRecord,
  writeLivePointer,
  writeModelRecord,
  type LiveEntry,
  type LivePointer,
  type ModelRecord,
} from '@digits/common';
import { EndpointBusyError } from './errors';

/** Older entries than this are dropped from live.history (their records stay in registry/models/). */
export const MAX_HISTORY = 50;

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

  getRecord(trainingJobName: string): Promise<ModelRecord | undefined> {
    return readModelRecord(this.s3, this.bucket, trainingJobName);
  }

  putRecord(record: ModelRecord): Promise<void> {
    return writeModelRecord(this.s3, this.bucket, record);
  }

  async getLive(): Promise<LiveState | undefined> {
    const found = await readLivePointer(this.s3, this.bucket);
    return found && { pointer: found.value, etag: found.etag };
  }

  /** Replace live.json only if it is still what `previous` read (or still absent). */
  async putLive(pointer: LivePointer, previous: LiveState | undefined): Promise<void> {
    try {
      await writeLivePointer(
        this.s3,
        this.bucket,
        { ...pointer, history: pointer.history.slice(-MAX_HISTORY) },
        { etag: previous ? previous.etag : null },
      );
    } catch (e) {
      if (isPreconditionFailed(e))
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
