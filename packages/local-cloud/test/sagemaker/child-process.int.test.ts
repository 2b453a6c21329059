import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ManagedChild } from '../../src/sagemaker/child-process';
import { eventually, isRunning } from '../process-tree';

const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const PARENT = join(__dirname, 'fixtures', 'managed-parent.ts');

/** Starts the fixture parent and resolves with it and the pid its managed child reports. */
async function startParent(): Promise<{ parent: ChildProcess; childPid: number }> {
  const parent = spawn(process.execPath, ['--import', TSX_LOADER, PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: parent.stdout! });
  const childPid = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /^child (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    parent.once('exit', (code) => reject(new Error(`parent exited (${code}) before its child started`)));
  });
  return { parent, childPid };
}

describe('ManagedChild', () => {
  it.each(['SIGKILL', 'SIGHUP', 'SIGTERM'] as const)(
    'never outlives its parent: the child ends when the parent is killed with %s',
    async (signal) => {
      // Prepare
      const { parent, childPid } = await startParent();
      expect(isRunning(childPid)).toBe(true);
      try {
        // Act
        parent.kill(signal);
        // Assess
        expect(await eventually(() => !isRunning(childPid), 15_000)).toBe(true);
      } finally {
        if (isRunning(childPid)) process.kill(childPid, 'SIGKILL');
      }
    },
    30_000,
  );

  it('reports the command exit code and signal as its own', async () => {
    const lines: string[] = [];
    const run = (script: string) =>
      new ManagedChild({
        argv: [process.execPath, '-e', script],
        cwd: __dirname,
        env: process.env,
        onLine: (line) => lines.push(line),
      });
    expect(await run('console.log("hello"); process.exit(3)').exited).toEqual({ code: 3, signal: null });
    expect(lines).toContain('hello');
    const stopped = run('setInterval(() => {}, 1000)');
    await new Promise((r) => setTimeout(r, 500));
    expect(await stopped.stop(5000)).toEqual({ code: null, signal: 'SIGTERM' });
  }, 30_000);

  it('says so when the command cannot be started', async () => {
    const exit = await new ManagedChild({
      argv: ['/nonexistent/command'],
      cwd: __dirname,
      env: process.env,
      onLine: () => {},
    }).exited;
    expect(exit.error?.message).toMatch(/ENOENT|\/nonexistent\/command/);
  }, 30_000);
});
