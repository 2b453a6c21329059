import { diagnose, diagnoseRetryRefused, type Diagnosis, type DiagnosisContext } from './diagnosis';
import type { PipelineStatus } from './pipeline-status';
import type { Progress } from './progress';
import { CancelledError } from './wait-for-predict';

/**
 * The start CLI's wait for a model that answers: it polls `predict`, reads the pipeline's status
 * now and then, says what it waits for whenever that changes (and every `heartbeatMs`), and stops
 * with a StuckError when the status says nothing will come — once that has held for `stuckAfterMs`,
 * so an attempt being replaced by a new one is not mistaken for the end. A training attempt that
 * ended without a model is first handed to `retry` (once per attempt): only when that starts no
 * other attempt is the wait over.
 */

export class StuckError extends Error {
  override name = 'StuckError';
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.problem ?? diagnosis.summary);
  }
}

export interface WaitForModelOptions<T> {
  /** One attempt at a real prediction: the answer, or undefined while there is none. */
  predict(): Promise<T | undefined>;
  readStatus(): Promise<PipelineStatus>;
  context: DiagnosisContext;
  progress: Progress;
  cancelled(): boolean;
  /** Starts the next training attempt; resolves undefined once started, or with why none was started. */
  retry?(status: Extract<PipelineStatus, { stage: 'training-ended' }>): Promise<string | undefined>;
  pollMs?: number;
  statusEveryMs?: number;
  stuckAfterMs?: number;
  heartbeatMs?: number;
}

export async function waitForModel<T>(options: WaitForModelOptions<T>): Promise<T> {
  const { pollMs = 1000, statusEveryMs = 5000, stuckAfterMs = 15_000, heartbeatMs = 30_000 } = options;
  const started = Date.now();
  let nextStatusAt = 0;
  let lastSummary: string | undefined;
  let lastSaidAt = 0;
  let stuckSince: number | undefined;
  const retried = new Set<string>();
  for (;;) {
    if (options.cancelled()) throw new CancelledError('stopped before a model answered');
    const answer = await options.predict();
    if (answer !== undefined) return answer;
    const now = Date.now();
    if (now >= nextStatusAt) {
      nextStatusAt = now + statusEveryMs;
      let diagnosis: Diagnosis;
      try {
        const status = await options.readStatus();
        diagnosis = diagnose(status, options.context);
        if (status.stage === 'training-ended' && options.retry && !retried.has(status.job.name)) {
          retried.add(status.job.name);
          const refused = await options.retry(status);
          if (refused !== undefined) throw new StuckError(diagnoseRetryRefused(status, refused, options.context));
          diagnosis = { stuck: false, summary: `${diagnosis.summary}; the next attempt was asked for` };
        }
      } catch (error) {
        if (error instanceof StuckError) throw error;
        diagnosis = { stuck: false, summary: `could not read the pipeline's status (${(error as Error).message})` };
      }
      if (diagnosis.stuck) {
        stuckSince ??= now;
        if (now - stuckSince >= stuckAfterMs) throw new StuckError(diagnosis);
      } else {
        stuckSince = undefined;
      }
      if (diagnosis.summary !== lastSummary || now - lastSaidAt >= heartbeatMs) {
        const waited = Math.round((now - started) / 1000);
        options.progress.stage('waiting', `${diagnosis.summary} (no model yet after ${waited}s)`);
        lastSummary = diagnosis.summary;
        lastSaidAt = now;
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
