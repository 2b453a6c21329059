import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeDeadProcessDirs } from '../../src/kernels/threaded-wasm';

const run = promisify(execFile);
const fixture = join(__dirname, 'fixtures', 'work-then-return.ts');
const node = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, timeout: 90_000 });

describe('threaded wasm backend in Node', () => {
  it('runs with one thread per core (up to 4), computes correctly, and lets the process exit by itself', async () => {
    const { stdout } = await node({});
    const out = JSON.parse(stdout);
    expect(out.backend).toBe('wasm');
    expect(out.threads).toBe(Math.min(4, cpus().length));
    expect(out.sum).toBe(8 * 24 * 24 * 4 * 25);
  }, 120_000);

  it('DIGITS_WASM_THREADS=1 gives the single-threaded build', async () => {
    const { stdout } = await node({ DIGITS_WASM_THREADS: '1' });
    expect(JSON.parse(stdout)).toMatchObject({ backend: 'wasm', threads: 1, sum: 8 * 24 * 24 * 4 * 25 });
  }, 120_000);

  it('removes the script folders a killed process left, never a running one’s', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'wasm-dirs-'));
    try {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      const dead = child.pid!;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      for (const name of [`digits-tfjs-wasm-${dead}-aB3x9Q`, `digits-tfjs-wasm-${process.pid}-Zz1`, 'other-123-x'])
        await mkdir(join(parent, name));
      expect(removeDeadProcessDirs(parent)).toEqual([`digits-tfjs-wasm-${dead}-aB3x9Q`]);
      expect(existsSync(join(parent, `digits-tfjs-wasm-${process.pid}-Zz1`))).toBe(true);
      expect(existsSync(join(parent, 'other-123-x'))).toBe(true);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
