import { StuckError, waitForModel } from '../../src/cli/wait-for-model';
import type { PipelineStatus } from '../../src/cli/pipeline-status';
import { recordingProgress } from './recording-progress';

const context = {
  quick: true,
  freshCommand: 'pnpm start --quick --fresh',
  fullFreshCommand: 'pnpm start --fresh',
  trainingLogFile: (job: string) => `/logs/${job}.log`,
};
/** Short intervals: the loop's timing, not a machine's speed, is under test. */
const fast = { cancelled: () => false, pollMs: 5, statusEveryMs: 5, stuckAfterMs: 1000, heartbeatMs: 10_000 };
const manifest = { dataset: 'mnist', version: 'v1', key: 'mnist/v1/manifest.json' };
const job = (status: string, failureReason?: string) => ({
  name: 'job-1',
  status,
  createdAt: new Date(0),
  ...(failureReason ? { failureReason } : {}),
});

describe('waitForModel never waits silently', () => {
  it('stops with the diagnosis once the newest job has stayed Failed past the grace period', async () => {
    const progress = recordingProgress();
    const failed: PipelineStatus = {
      stage: 'training-ended',
      manifest,
      job: job('Failed', 'InternalServerError: the local SageMaker was stopped while this training job was running'),
    };
    const started = Date.now();
    const error = await waitForModel({
      predict: async () => undefined,
      readStatus: async () => failed,
      context,
      progress,
      cancelled: () => false,
      pollMs: 10,
      statusEveryMs: 20,
      stuckAfterMs: 200,
      heartbeatMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StuckError);
    expect((error as StuckError).diagnosis.fix).toBe('pnpm start --quick --fresh');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('does not call a failure stuck when a new attempt starts within the grace period', async () => {
    const progress = recordingProgress();
    let reads = 0;
    let answered = false;
    const result = await waitForModel({
      predict: async () => (answered ? { digit: 7 } : undefined),
      readStatus: async () => {
        reads++;
        if (reads > 3) answered = true;
        return reads <= 2
          ? { stage: 'training-ended', manifest, job: job('Failed', 'transient') }
          : { stage: 'training', manifest, job: job('InProgress') };
      },
      context,
      progress,
      ...fast,
      statusEveryMs: 10,
      stuckAfterMs: 10_000,
    });
    expect(result).toEqual({ digit: 7 });
  });

  it('hands an ended attempt to retry once, and waits on when the next attempt starts', async () => {
    const progress = recordingProgress();
    const asked: string[] = [];
    let attempt = 1;
    const result = await waitForModel({
      predict: async () => (attempt === 2 ? { digit: 3 } : undefined),
      readStatus: async () => ({
        stage: 'training-ended',
        manifest,
        job: { ...job('Failed'), name: `job-a${attempt}` },
      }),
      retry: async (ended) => {
        asked.push(ended.job.name);
        attempt++;
        return undefined;
      },
      context,
      progress,
      ...fast,
    });
    expect(result).toEqual({ digit: 3 });
    expect(asked).toEqual(['job-a1']);
    expect(progress.lines.some((l) => l.includes('job-a1 Failed; the next attempt was asked for'))).toBe(true);
  });

  it("is stuck at once, with retry's reason, when no other attempt can start", async () => {
    const error = await waitForModel({
      predict: async () => undefined,
      readStatus: async () => ({ stage: 'training-ended', manifest, job: job('Failed', 'AlgorithmError: boom') }),
      retry: async () => 'mnist/v1: 3 training attempts failed',
      context,
      progress: recordingProgress(),
      ...fast,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StuckError);
    expect((error as StuckError).message).toContain(
      'reconcile started no other attempt: mnist/v1: 3 training attempts failed',
    );
    expect((error as StuckError).diagnosis.fix).toBe('pnpm start --quick --fresh');
  });

  it('reports what it is waiting for when that changes, and as a heartbeat', async () => {
    const progress = recordingProgress();
    const statuses: PipelineStatus[] = [
      { stage: 'preprocessing' },
      { stage: 'awaiting-training', manifest },
      { stage: 'training', manifest, job: { ...job('InProgress'), secondaryStatus: 'Training' } },
    ];
    let reads = 0;
    await waitForModel({
      predict: async () => (reads >= 6 ? { digit: 1 } : undefined),
      readStatus: async () => statuses[Math.min(reads++, statuses.length - 1)]!,
      context,
      progress,
      ...fast,
    });
    const waiting = progress.lines.filter((l) => l.startsWith('waiting: '));
    expect(waiting[0]).toMatch(/no manifest yet/);
    expect(waiting[1]).toMatch(/its training job has not started yet/);
    expect(waiting[2]).toMatch(/training job job-1 InProgress \(Training\)/);
    expect(waiting).toHaveLength(3);
  });

  it('keeps waiting (and says so) when the status cannot be read', async () => {
    const progress = recordingProgress();
    let reads = 0;
    await waitForModel({
      predict: async () => (reads >= 2 ? { digit: 1 } : undefined),
      readStatus: async () => {
        reads++;
        throw new Error('S3 not answering');
      },
      context,
      progress,
      ...fast,
    });
    expect(progress.lines.some((l) => l.includes('S3 not answering'))).toBe(true);
  });
});
