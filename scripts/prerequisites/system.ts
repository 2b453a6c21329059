/** This machine, for `prepare()`: probes look for each tool the way the tests do. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Probe } from '../test-prerequisites';
import type { Step, StepResult, System } from './prepare';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Like `command -v`: the first executable of that name on PATH. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** ID / ID_LIKE of /etc/os-release name Debian or Ubuntu (Ubuntu's ID_LIKE is debian). */
export function isDebianLike(osRelease: string): boolean {
  return /^(ID|ID_LIKE)=["']?[^\n]*\b(debian|ubuntu)\b/m.test(osRelease);
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** The line that says why a command failed: its first `error` line, else its last line. */
export function failureLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(E:|error\b)/i.test(l)) ?? lines.at(-1) ?? 'no output';
}

export function realSystem(env: NodeJS.ProcessEnv = process.env): System {
  const python = (args: string[]) =>
    spawnSync('python3', args, { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'ignore', 'ignore'] });
  const isRoot = process.getuid?.() === 0;
  return {
    isRoot,
    has(probe: Probe): boolean {
      if (probe.kind === 'file') return isExecutable(probe.path);
      if (probe.kind === 'command') return findOnPath(probe.name, env.PATH) !== undefined;
      return findOnPath('python3', env.PATH) !== undefined && python(['-c', `import ${probe.module}`]).status === 0;
    },
    whyNoApt() {
      if (!isDebianLike(readOsRelease())) return 'not Debian or Ubuntu';
      if (!isRoot) return 'not running as root';
      if (!findOnPath('apt-get', env.PATH)) return 'apt-get is not on PATH';
      return undefined;
    },
    whyNoPip() {
      if (!findOnPath('python3', env.PATH)) return 'python3 is not on PATH';
      if (python(['-m', 'pip', '--version']).status !== 0) return 'python3 has no pip';
      return undefined;
    },
    run(step: Step): StepResult {
      const result = spawnSync(step.command, step.args, {
        env: { ...env, ...step.env },
        encoding: 'utf8',
        timeout: step.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (result.error) return { ok: false, detail: result.error.message };
      if (result.status === 0) return { ok: true, detail: '' };
      return {
        ok: false,
        detail: `exit ${result.status ?? result.signal}: ${failureLine(`${result.stdout}\n${result.stderr}`)}`,
      };
    },
  };
}
