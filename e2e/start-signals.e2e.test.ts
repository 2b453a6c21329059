import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '@digits/local-cloud/src/sagemaker/serve-process';
import {
  describeProcess,
  descendants,
  eventually,
  isRunning,
  portAccepts,
  processesWorkingIn,
} from '@digits/local-cloud/test/process-tree';
import { runStart, type StartRun } from './start-run';

/**
 * Issue 10, item 3: closing the terminal (SIGHUP) or a `kill` (SIGTERM) of `pnpm start` must be
 * as clean as Ctrl-C: no model container left running, no port left open. pnpm 12 runs the script
 * in its own process group and the containers run in groups of their own, so each signal is sent
 * to pnpm alone. Item 2: a restart after a stop during training must not wait silently.
 */
describe('pnpm start stops everything it started, and a restart says what is wrong', () => {
  const runs: StartRun[] = [];
  const dataDirs: string[] = [];
  afterAll(async () => {
    for (const { pnpm } of runs) if (pnpm.pid && isRunning(pnpm.pid)) process.kill(-pnpm.pid, 'SIGKILL');
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  /** A quick run in its own data folder, on free ports, until `waitFor` shows and a model container runs. */
  async function startUntil(
    waitFor: string,
  ): Promise<{ run: StartRun; dataDir: string; args: string[]; ports: number[] }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'start-signals-'));
    dataDirs.push(dataDir);
    const ports = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const args = ['--quick', '--data-dir', dataDir, '--port', `${ports[0]}`, '--s3-port', `${ports[1]}`].concat([
      '--sagemaker-port',
      `${ports[2]}`,
    ]);
    const run = runStart(args);
    runs.push(run);
    const seen = await run.waitFor(waitFor, 400_000);
    expect({ seen, output: run.output() }).toMatchObject({ seen: true });
    expect(run.pnpm.exitCode).toBeNull();
    // The status line can come a moment before the container's process starts.
    expect(await eventually(() => processesWorkingIn(dataDir).length > 0, 30_000)).toBe(true);
    return { run, dataDir, args, ports };
  }

  /** Sends `signal` to pnpm alone and checks that no process of the run and none of its ports is left. */
  async function expectCleanStop(run: StartRun, dataDir: string, ports: number[], signal: NodeJS.Signals) {
    const tree = descendants(run.pnpm.pid!);
    const containers = processesWorkingIn(dataDir);
    for (const port of ports) expect(await portAccepts(port)).toBe(true);
    process.kill(run.pnpm.pid!, signal);
    await run.exited;
    const gone = await eventually(
      () => [...tree, ...containers].every((pid) => !isRunning(pid)) && processesWorkingIn(dataDir).length === 0,
      30_000,
    );
    const left = [...new Set([...tree, ...containers, ...processesWorkingIn(dataDir)])].filter(isRunning);
    expect({ gone, left: left.map(describeProcess) }).toEqual({ gone: true, left: [] });
    for (const port of ports) expect(await portAccepts(port)).toBe(false);
  }

  it('SIGHUP to pnpm once READY (a closed terminal) leaves no process and no port behind', async () => {
    const { run, dataDir, ports } = await startUntil('READY ');
    await expectCleanStop(run, dataDir, ports, 'SIGHUP');
  }, 600_000);

  it('SIGTERM to pnpm during training leaves nothing behind; the restart prints what is wrong and the fix', async () => {
    const { run, dataDir, ports, args } = await startUntil('InProgress (Training)');
    await expectCleanStop(run, dataDir, ports, 'SIGTERM');
    expect(run.output()).toMatch(/Failed \(Failed\) — InternalServerError: the local SageMaker was stopped/);

    // The same command again (no --fresh): the job is Failed and nothing will retrain it.
    const again = runStart(args);
    runs.push(again);
    const code = await Promise.race([
      again.exited,
      new Promise<string>((r) => setTimeout(() => r('still running'), 400_000).unref()),
    ]);
    const output = again.output();
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 1 });
    expect(output).toContain('importPublicDataset: 0 copied, 4 already there');
    expect(output).toMatch(/STUCK\s+training job digits-local-mnist-\S+ for manifest mnist\/v-\S+ is Failed/);
    expect(output).toContain(`  fix: pnpm start --quick --fresh --port ${ports[0]}`);
    expect(output).not.toContain('READY');
  }, 900_000);
});
