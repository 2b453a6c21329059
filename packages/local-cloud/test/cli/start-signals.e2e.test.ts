import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/sagemaker/serve-process';
import { runStart } from './start-run';
import { describeProcess, descendants, eventually, isRunning, portAccepts, processesWorkingIn } from '../process-tree';

/**
 * Closing the terminal (SIGHUP) or a `kill` (SIGTERM) of `pnpm start` must be as clean as Ctrl-C:
 * no model container left running, no port left open. pnpm 12 runs the script in its own process
 * group and the containers run in groups of their own, so each signal is sent to pnpm alone.
 */
describe('pnpm start stops everything it started', () => {
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const p of started) if (p.pid && isRunning(p.pid)) process.kill(p.pid, 'SIGKILL');
  });

  it.each([
    ['SIGHUP', 'READY '],
    ['SIGTERM', 'InProgress (Training)'],
  ] as const)(
    '%s to pnpm once the output shows "%s" leaves no process and no port behind',
    async (signal, waitFor) => {
      // Prepare: a quick run in its own data folder, on free ports, until a model container runs.
      const dataDir = await mkdtemp(join(tmpdir(), 'start-signals-'));
      const ports = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
      const run = runStart(
        ['--quick', '--data-dir', dataDir, '--port', `${ports[0]}`, '--s3-port', `${ports[1]}`].concat([
          '--sagemaker-port',
          `${ports[2]}`,
        ]),
      );
      started.push(run.pnpm);
      const { pnpm } = run;
      const seen = await run.waitFor(waitFor, 400_000);
      expect({ seen, output: run.output() }).toMatchObject({ seen: true });
      expect(pnpm.exitCode).toBeNull();
      // The status line can come a moment before the container's process starts.
      expect(await eventually(() => processesWorkingIn(dataDir).length > 0, 30_000)).toBe(true);
      const tree = descendants(pnpm.pid!);
      const containers = processesWorkingIn(dataDir);
      for (const port of ports) expect(await portAccepts(port)).toBe(true);

      try {
        // Act
        process.kill(pnpm.pid!, signal);
        await run.exited;

        // Assess
        const gone = await eventually(
          () => [...tree, ...containers].every((pid) => !isRunning(pid)) && processesWorkingIn(dataDir).length === 0,
          30_000,
        );
        const left = [...new Set([...tree, ...containers, ...processesWorkingIn(dataDir)])].filter(isRunning);
        expect({ gone, left: left.map(describeProcess) }).toEqual({ gone: true, left: [] });
        for (const port of ports) expect(await portAccepts(port)).toBe(false);
      } finally {
        for (const pid of [...tree, ...containers]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
