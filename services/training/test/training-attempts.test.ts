import {
  CreateTrainingJobCommand,
  type CreateTrainingJobRequest,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import { TrainingAttemptsExhaustedError } from '../src/errors';
import { onStartTraining } from '../src/invocations';
import { startTraining, type StartTrainingDeps } from '../src/start-training';
import { findAttempt } from '../src/training-attempts';
import {
  PREFIX,
  PROCESSED,
  fakeS3,
  fakeSageMaker,
  manifest,
  memoryLogger,
  putManifest,
  type FakeS3,
  type FakeSageMaker,
  TRAINING_SETTINGS,
} from './aws-fakes';
import { s3Event } from '@digits/test-kit';

const settings = TRAINING_SETTINGS;

let s3: FakeS3;
let sm: FakeSageMaker;
let deps: StartTrainingDeps & { logger: ReturnType<typeof memoryLogger> };

beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  deps = { s3: s3.client, sagemaker: sm.client, settings, logger: memoryLogger() };
});

const created = (): CreateTrainingJobRequest[] =>
  sm.mock.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input);

/** What SageMaker does to a job later: it fails (spot interruption, capacity), is stopped, or completes. */
function finish(
  name: string,
  status: 'Failed' | 'Stopped' | 'Completed',
  reason = 'CapacityError: no ml.m5.xlarge',
): void {
  const job = sm.jobs.get(name)!;
  sm.jobs.set(name, { ...job, TrainingJobStatus: status, ...(status === 'Failed' ? { FailureReason: reason } : {}) });
}

describe('findAttempt', () => {
  const nameOf = (n: number) => `${PREFIX}--mnist-1-a${n}`;
  const job = (state: Partial<DescribeTrainingJobResponse>) => state as DescribeTrainingJobResponse;

  it('starts attempt 1 when no attempt exists', async () => {
    await expect(findAttempt(sm.client, nameOf, 3)).resolves.toEqual({ action: 'start', attempt: 1, name: nameOf(1) });
  });

  it('names the running or completed attempt instead of starting another', async () => {
    sm.jobs.set(nameOf(1), job({ TrainingJobStatus: 'Failed' }));
    sm.jobs.set(nameOf(2), job({ TrainingJobStatus: 'InProgress' }));
    await expect(findAttempt(sm.client, nameOf, 3)).resolves.toEqual({
      action: 'exists',
      attempt: 2,
      name: nameOf(2),
      status: 'InProgress',
    });
  });

  it('starts the attempt after a failed or stopped one, and gives up after the limit', async () => {
    sm.jobs.set(nameOf(1), job({ TrainingJobStatus: 'Failed', FailureReason: 'spot interruption' }));
    sm.jobs.set(nameOf(2), job({ TrainingJobStatus: 'Stopped' }));
    await expect(findAttempt(sm.client, nameOf, 3)).resolves.toMatchObject({
      action: 'start',
      attempt: 3,
      previous: { name: nameOf(2), status: 'Stopped' },
    });
    sm.jobs.set(nameOf(3), job({ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: out of memory' }));
    await expect(findAttempt(sm.client, nameOf, 3)).resolves.toEqual({
      action: 'exhausted',
      attempts: 3,
      last: { name: nameOf(3), status: 'Failed', failureReason: 'AlgorithmError: out of memory' },
    });
  });
});

describe('startTraining retries a failed or stopped job for the same dataset version (issue 10 item 2)', () => {
  it('starts attempt 2 after attempt 1 failed, under a new deterministic name', async () => {
    const m = manifest();
    putManifest(s3, m);
    const first = await startTraining({ dataset: m.dataset, version: m.version }, deps);
    finish(first.trainingJobName, 'Failed');

    const second = await startTraining({ dataset: m.dataset, version: m.version }, deps);

    expect(first).toMatchObject({ status: 'started', attempt: 1 });
    expect(second).toMatchObject({ status: 'started', attempt: 2 });
    expect(second.trainingJobName).toBe(first.trainingJobName.replace(/-a1$/, '-a2'));
    expect(created().map((r) => r.TrainingJobName)).toEqual([first.trainingJobName, second.trainingJobName]);
    expect(created()[1]!.HyperParameters).toEqual(created()[0]!.HyperParameters);
  });

  it('a redelivered manifest event while attempt N is InProgress or Completed does not start N+1', async () => {
    const m = manifest();
    const key = putManifest(s3, m);
    const event = s3Event(PROCESSED, [key]);
    await onStartTraining(event, deps);
    finish(created()[0]!.TrainingJobName!, 'Stopped');
    await onStartTraining(event, deps); // attempt 2 starts

    const whileRunning = await onStartTraining(event, deps);
    finish(created()[1]!.TrainingJobName!, 'Completed');
    const afterCompleted = await onStartTraining(event, deps);

    expect(created()).toHaveLength(2);
    for (const out of [whileRunning, afterCompleted]) {
      expect(out).toMatchObject({ outcomes: [{ key, result: { status: 'already-started', attempt: 2 } }] });
    }
    expect(afterCompleted).toMatchObject({ outcomes: [{ result: { existingStatus: 'Completed' } }] });
  });

  it('after the attempt limit records a permanent failure instead of starting another job', async () => {
    const m = manifest();
    putManifest(s3, m);
    for (let i = 0; i < 3; i++) {
      const started = await startTraining({ dataset: m.dataset, version: m.version }, deps);
      finish(started.trainingJobName, 'Failed');
    }

    const gaveUp = startTraining({ dataset: m.dataset, version: m.version }, deps);

    await expect(gaveUp).rejects.toBeInstanceOf(TrainingAttemptsExhaustedError);
    await expect(gaveUp).rejects.toThrow(
      /mnist\/v-0123456789abcdef: 3 training attempts failed; the last, .*-a3, Failed: CapacityError/,
    );
    expect(created()).toHaveLength(3);
    expect(deps.logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'training gave up: attempt limit reached' }),
    );
  });
});
