import type { AttemptError, FailedEvents } from './failed-events';
import type { PendingEvents } from './pending-events';

/**
 * Lambda's asynchronous invocation (how S3 and EventBridge call functions): the caller does not
 * wait; a function error is retried twice (Lambda waits ~1 and ~2 minutes between attempts;
 * locally the delays are short and configurable), then the event is kept in `failedEvents`, the
 * stand-in for an on-failure destination. With `pending`, every accepted event is on disk until
 * it succeeds or is kept, and one a stop or a crash interrupts is delivered again at the next
 * start (`redeliverPending`); without it, an event whose retries a shutdown cuts short is kept.
 */
export interface AsyncInvokerOptions {
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  log: (line: string) => void;
  failedEvents: FailedEvents;
  pending?: PendingEvents;
  retryDelaysMs?: number[];
  region?: string;
}

export class AsyncInvoker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryDelaysMs: number[];
  private closed = false;

  constructor(private readonly options: AsyncInvokerOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1000];
  }

  /** Queue an invocation; `source` names the trigger for the failure record. */
  enqueue(functionName: string, event: unknown, source: string): void {
    this.start(functionName, event, source, this.options.pending?.add({ functionName, event, source }));
  }

  /** Delivers again what an earlier run accepted and did not finish; how many events that is. */
  redeliverPending(): number {
    const pending = this.options.pending?.list() ?? [];
    for (const { id, functionName, event, source } of pending) {
      this.options.log(
        `[${functionName}] redelivering an async event from ${source} that an earlier run did not finish`,
      );
      this.start(functionName, event, source, id);
    }
    return pending.length;
  }

  private start(functionName: string, event: unknown, source: string, pendingId: string | undefined): void {
    const run = this.run(functionName, event, source, pendingId).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async run(functionName: string, event: unknown, source: string, pendingId?: string): Promise<void> {
    const done = () => pendingId && this.options.pending?.remove(pendingId);
    const attempts = this.retryDelaysMs.length + 1;
    const errors: AttemptError[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.options.invoke(functionName, event);
        done();
        return;
      } catch (error) {
        const e = error as Error & { errorType?: string };
        errors.push({ at: new Date().toISOString(), errorType: e.errorType ?? e.name, errorMessage: e.message });
        const interrupted = this.closed && attempt < attempts;
        if (interrupted && pendingId) return this.leavePending(functionName, source, e);
        if (attempt === attempts || interrupted) {
          await this.keep(functionName, event, source, errors, e, interrupted);
          done();
          return;
        }
        this.options.log(
          `[${functionName}] WARN async invocation from ${source} failed (attempt ${attempt}/${attempts}), retrying: ${e.name}: ${e.message}`,
        );
        await new Promise((r) => setTimeout(r, this.retryDelaysMs[attempt - 1]));
        if (this.closed && pendingId) return this.leavePending(functionName, source, e);
        if (this.closed) {
          await this.keep(functionName, event, source, errors, e, true);
          return;
        }
      }
    }
  }

  private leavePending(functionName: string, source: string, lastError: Error): void {
    this.options.log(
      `[${functionName}] async invocation from ${source} stopped by the shutdown (${lastError.name}: ${lastError.message}); it is delivered again at the next start`,
    );
  }

  private async keep(
    functionName: string,
    event: unknown,
    source: string,
    attempts: AttemptError[],
    lastError: Error,
    interrupted: boolean,
  ): Promise<void> {
    const what = interrupted
      ? `stopped after ${attempts.length} failed attempt${attempts.length === 1 ? '' : 's'}`
      : `FAILED after ${attempts.length} attempts`;
    try {
      const kept = await this.options.failedEvents.keep({
        functionName,
        event,
        source,
        condition: interrupted ? 'Interrupted' : 'RetriesExhausted',
        attempts,
        lastError,
        ...(this.options.region ? { region: this.options.region } : {}),
      });
      this.options.log(
        `[${functionName}] ERROR async invocation from ${source} ${what}, event kept in ${kept.path}: ${lastError.name}: ${lastError.message}`,
      );
    } catch (writeError) {
      this.options.log(
        `[${functionName}] ERROR async invocation from ${source} ${what}, and the event could not be kept (${(writeError as Error).message}): ${lastError.name}: ${lastError.message}; event: ${JSON.stringify(event)}`,
      );
    }
  }

  /** Count work that will enqueue invocations (e.g. reading an object's ETag) towards `idle()`. */
  track(work: Promise<unknown>): void {
    const p = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Resolves once every queued invocation (including ones queued meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** No more retries: events still failing are kept (Interrupted); `idle()` then waits for those writes. */
  close(): void {
    this.closed = true;
  }
}
