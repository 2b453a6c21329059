/**
 * Lambda's asynchronous invocation (how S3 and EventBridge call functions): the caller does not
 * wait; a function error is retried twice, then the event is dropped with a loud log line (Lambda
 * waits ~1 and ~2 minutes between attempts; locally the delays are short and configurable).
 */
export interface AsyncInvokerOptions {
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  log: (line: string) => void;
  retryDelaysMs?: number[];
}

export class AsyncInvoker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryDelaysMs: number[];
  private closed = false;

  constructor(private readonly options: AsyncInvokerOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1000];
  }

  /** Queue an invocation; `source` names the trigger for the failure log. */
  enqueue(functionName: string, event: unknown, source: string): void {
    const run = this.run(functionName, event, source).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async run(functionName: string, event: unknown, source: string): Promise<void> {
    const attempts = this.retryDelaysMs.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closed) return;
      try {
        await this.options.invoke(functionName, event);
        return;
      } catch (error) {
        const e = error as Error;
        if (attempt === attempts) {
          this.options.log(
            `[${functionName}] ERROR async invocation from ${source} FAILED after ${attempts} attempts, event dropped: ${e.name}: ${e.message}`,
          );
          return;
        }
        this.options.log(
          `[${functionName}] WARN async invocation from ${source} failed (attempt ${attempt}/${attempts}), retrying: ${e.name}: ${e.message}`,
        );
        await new Promise((r) => setTimeout(r, this.retryDelaysMs[attempt - 1]));
      }
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

  close(): void {
    this.closed = true;
  }
}
