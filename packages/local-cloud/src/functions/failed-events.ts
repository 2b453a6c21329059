import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID } from './intrinsics';
import { writeJsonWhole } from '../whole-file';

/**
 * The offline stand-in for an async function's on-failure destination: an event whose retries
 * are exhausted (or cut short by a shutdown) is kept as `<dir>/<function>/<time>-<id>.json`, in
 * the shape Lambda sends to an on-failure destination (requestContext, requestPayload,
 * responseContext, responsePayload) plus where it came from and every attempt's error.
 */

export type FailureCondition = 'RetriesExhausted' | 'Interrupted';

export interface AttemptError {
  at: string;
  errorType: string;
  errorMessage: string;
}

export interface FailedEventRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string; trace?: string[] };
  /** What delivered the event (`S3`, `EventBridge (<source> / <detail-type>)`). */
  source: string;
  attempts: AttemptError[];
}

export interface FailedEventsSummary {
  total: number;
  byFunction: Record<string, number>;
}

export interface KeptEvent {
  functionName: string;
  path: string;
  record: FailedEventRecord;
  /** Failed events kept in the folder, this one included. */
  total: number;
}

export interface FailedEventInput {
  functionName: string;
  event: unknown;
  source: string;
  condition: FailureCondition;
  attempts: AttemptError[];
  lastError: Error & { errorType?: string; trace?: string[] };
  region?: string;
}

export class FailedEvents {
  private readonly listeners = new Set<(kept: KeptEvent) => void>();
  /** Keeps run one at a time, so each reports its own running total. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  keep(input: FailedEventInput): Promise<KeptEvent> {
    const kept = this.queue.then(() => this.write(input));
    this.queue = kept.catch(() => undefined);
    return kept;
  }

  private async write(input: FailedEventInput): Promise<KeptEvent> {
    const now = new Date();
    const requestId = randomUUID();
    const record: FailedEventRecord = {
      version: '1.0',
      timestamp: now.toISOString(),
      requestContext: {
        requestId,
        functionArn: `arn:aws:lambda:${input.region ?? 'us-east-1'}:${LOCAL_ACCOUNT_ID}:function:${input.functionName}`,
        condition: input.condition,
        approximateInvokeCount: input.attempts.length,
      },
      requestPayload: input.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: input.lastError.errorType ?? input.lastError.name,
        errorMessage: input.lastError.message,
        ...(input.lastError.trace ? { trace: input.lastError.trace } : {}),
      },
      source: input.source,
      attempts: input.attempts,
    };
    const folder = join(this.dir, input.functionName);
    await mkdir(folder, { recursive: true });
    // Sortable by time; written whole then renamed, so a reader never sees half a record.
    const path = join(folder, `${now.toISOString().replace(/[:.]/g, '-')}-${requestId}.json`);
    await writeJsonWhole(path, record, 2);
    const kept: KeptEvent = { functionName: input.functionName, path, record, total: (await this.summary()).total };
    for (const listener of this.listeners) listener(kept);
    return kept;
  }

  /** How many failed events are kept, per function (what earlier runs kept included). */
  async summary(): Promise<FailedEventsSummary> {
    const byFunction: Record<string, number> = {};
    const functions = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    for (const entry of functions) {
      if (!entry.isDirectory()) continue;
      const files = await readdir(join(this.dir, entry.name)).catch(() => [] as string[]);
      const count = files.filter((f) => f.endsWith('.json')).length;
      if (count > 0) byFunction[entry.name] = count;
    }
    return { total: Object.values(byFunction).reduce((a, b) => a + b, 0), byFunction };
  }

  onKept(listener: (kept: KeptEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
