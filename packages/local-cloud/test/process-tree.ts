import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection } from 'node:net';

/**
 * What a test needs to prove nothing was left behind: the live descendants of a process (read from
 * /proc, Linux), whether a pid still runs (a zombie no longer does), and whether a port still accepts.
 * Also a process's CPU time, for benchmarks that say where a request's CPU goes.
 */

interface ProcEntry {
  pid: number;
  ppid: number;
  state: string;
  /** User + system CPU time so far, in ms. */
  cpuMs: number;
}

/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ, 100 on every mainstream build). */
const MS_PER_TICK = 10;

function readProc(pid: number): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
    return { pid, ppid: Number(fields[1]), state: fields[0]!, cpuMs };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, all threads) a process has used so far, in ms; undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  return readProc(pid)?.cpuMs;
}

function allProcesses(): ProcEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is ProcEntry => p !== undefined);
}

export function isRunning(pid: number): boolean {
  const entry = readProc(pid);
  return entry !== undefined && entry.state !== 'Z' && entry.state !== 'X';
}

/** Every live process below `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allProcesses()) {
    if (p.state === 'Z') continue;
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Live processes whose working directory is inside `dir` (the model containers run in job folders). */
export function processesWorkingIn(dir: string): number[] {
  return allProcesses()
    .filter((p) => p.state !== 'Z')
    .filter((p) => {
      try {
        const cwd = readlinkSync(`/proc/${p.pid}/cwd`);
        return cwd === dir || cwd.startsWith(`${dir}/`);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

export function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Polls until `check` holds; false after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
