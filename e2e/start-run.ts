import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '@digits/local-cloud';
import { eventually } from '@digits/local-cloud/test/process-tree';

/** A real `pnpm start` in its own process group (as a terminal runs a job), with its output kept. */
export interface StartRun {
  pnpm: ChildProcess;
  output(): string;
  /** Resolves true once the output contains `text` (false if pnpm exited or `timeoutMs` passed first). */
  waitFor(text: string, timeoutMs: number): Promise<boolean>;
  exited: Promise<number | null>;
}

export function runStart(args: string[]): StartRun {
  const pnpm = spawn('pnpm', ['start', ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  pnpm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  pnpm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => pnpm.once('exit', (code) => resolve(code)));
  return {
    pnpm,
    output: () => output,
    waitFor: async (text, timeoutMs) =>
      (await eventually(() => output.includes(text) || pnpm.exitCode !== null, timeoutMs, 250)) &&
      output.includes(text),
    exited,
  };
}
