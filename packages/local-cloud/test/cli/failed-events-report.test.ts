import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFailedEvents } from '../../src/cli/failed-events-report';
import { recordingProgress } from './recording-progress';
import { FailedEvents } from '../../src/functions/failed-events';

const failure = (functionName: string) => ({
  functionName,
  event: { Records: [] },
  source: 'S3',
  condition: 'RetriesExhausted' as const,
  attempts: [1, 2, 3].map(() => ({ at: new Date().toISOString(), errorType: 'Error', errorMessage: 'bad manifest' })),
  lastError: new Error('bad manifest'),
});

describe('pnpm start reports failed async events', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failed-report-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('says nothing at boot when there are none', async () => {
    const progress = recordingProgress();
    const stop = await reportFailedEvents(new FailedEvents(dir), progress);
    expect(progress.lines).toEqual([]);
    stop();
  });

  it('at boot: how many, per function, and where', async () => {
    const earlier = new FailedEvents(dir);
    await earlier.keep(failure('digits-preprocess-local-preprocess'));
    await earlier.keep(failure('digits-preprocess-local-preprocess'));
    await earlier.keep(failure('digits-training-local-startTraining'));
    const progress = recordingProgress();
    const stop = await reportFailedEvents(new FailedEvents(dir), progress);
    expect(progress.lines).toEqual([
      `failed: 3 failed async events kept in ${dir} (digits-preprocess-local-preprocess: 2, digits-training-local-startTraining: 1); each file holds the event, its errors and attempts`,
    ]);
    stop();
  });

  it('when a new one occurs: which function, why, the file and the new total', async () => {
    const failedEvents = new FailedEvents(dir);
    await failedEvents.keep(failure('fn-a'));
    const progress = recordingProgress();
    const stop = await reportFailedEvents(failedEvents, progress);
    progress.lines.length = 0;
    const kept = await failedEvents.keep(failure('fn-b'));
    expect(progress.lines).toEqual([
      `failed: fn-b: event from S3 failed 3 times (Error: bad manifest); kept in ${kept.path} — 2 failed events in ${dir}`,
    ]);
    stop();
    await failedEvents.keep(failure('fn-c'));
    expect(progress.lines).toHaveLength(1);
  });
});
