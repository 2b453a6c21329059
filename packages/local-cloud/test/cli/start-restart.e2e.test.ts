import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/sagemaker/serve-process';
import { eventually, isRunning, processesWorkingIn } from '../process-tree';
import { runStart, type StartRun } from './start-run';

/**
 * Issue 10, item 2: Ctrl-C while the job is training, then `pnpm start --quick` again (no
 * --fresh). The job is Failed (its SageMaker was stopped) and nothing will retrain it: the restart
 * must say so and name the command that fixes it, instead of waiting silently forever.
 */
describe('pnpm start after a Ctrl-C during training', () => {
  let dataDir: string;
  const runs: StartRun[] = [];
  afterAll(async () => {
    for (const { pnpm } of runs) if (pnpm.pid && isRunning(pnpm.pid)) process.kill(-pnpm.pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints what is wrong and the one command that fixes it, then stops', async () => {
    // Prepare: a quick run, interrupted like a terminal's Ctrl-C (SIGINT to the foreground group).
    dataDir = await mkdtemp(join(tmpdir(), 'start-restart-'));
    const ports = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const args = ['--quick', '--data-dir', dataDir, '--port', `${ports[0]}`, '--s3-port', `${ports[1]}`].concat([
      '--sagemaker-port',
      `${ports[2]}`,
    ]);
    const first = runStart(args);
    runs.push(first);
    expect(await first.waitFor('InProgress (Training)', 400_000)).toBe(true);
    expect(await eventually(() => processesWorkingIn(dataDir).length > 0, 30_000)).toBe(true);
    process.kill(-first.pnpm.pid!, 'SIGINT');
    await first.exited;
    expect(first.output()).toMatch(/Failed \(Failed\) — InternalServerError: the local SageMaker was stopped/);

    // Act
    const second = runStart(args);
    runs.push(second);
    const code = await Promise.race([
      second.exited,
      new Promise<string>((r) => setTimeout(() => r('still running'), 400_000).unref()),
    ]);

    // Assess
    const output = second.output();
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 1 });
    expect(output).toContain('importPublicDataset: 0 copied, 4 already there');
    expect(output).toMatch(/STUCK\s+training job digits-local-mnist-\S+ for manifest mnist\/v-\S+ is Failed/);
    expect(output).toContain(`  fix: pnpm start --quick --fresh --port ${ports[0]}`);
    expect(output).not.toContain('READY');
  }, 900_000);
});
