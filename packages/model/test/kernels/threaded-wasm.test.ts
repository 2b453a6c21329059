import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
});
