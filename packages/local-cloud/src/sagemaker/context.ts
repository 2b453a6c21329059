import type { EventEmitter } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@digits/common';
import { validationException } from './errors';
import type { State } from './state';
import type { Stream } from './child-process';

/** What the operation handlers share: configuration, the state, and the event channel. */
export interface Context {
  region: string;
  workDir: string;
  modelCommand: readonly string[];
  s3: S3Client;
  state: State;
  /** Schedule a write of the state file. */
  persist(): void;
  emitter: EventEmitter;
  log: Logger;
  settings: Settings;
}

export interface Settings {
  /** SIGTERM → SIGKILL grace for `train`/`serve` (SageMaker gives 120 s). */
  stopGraceMs: number;
  /** How long a new `serve` may take to answer /ping 200 (overridden by a variant's ContainerStartupHealthCheckTimeoutInSeconds). */
  pingTimeoutMs: number;
  /** InvokeEndpoint's limit on the container's answer (SageMaker: 60 s). */
  invocationTimeoutMs: number;
  /** Most training jobs InProgress at once; more → ResourceLimitExceeded. */
  maxConcurrentTrainingJobs: number;
}

/** One line of a training job's or endpoint's output, for live progress displays. */
export interface LogLine {
  source: 'training-job' | 'endpoint';
  name: string;
  stream: Stream;
  line: string;
  time: number;
}

export const EVENT = 'event';
export const LOG = 'log';

/** MaxResults/NextToken over an already filtered and sorted list (NextToken is an opaque offset). */
export function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
): { page: T[]; NextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    offset = Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0) throw validationException('Invalid pagination token');
  }
  const size = maxResults ?? defaultMax;
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return { page, ...(next ? { NextToken: next } : {}) };
}

export function sortBy<T>(items: T[], value: (t: T) => string | number, descending: boolean): T[] {
  const sorted = [...items].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  return descending ? sorted.reverse() : sorted;
}
