import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The `train` / `serve` child processes: output captured line by line, stopped as a process group
 * (SIGTERM, then SIGKILL after a grace period, as SageMaker does), and never left running when this
 * process exits.
 */

export type Stream = 'stdout' | 'stderr';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface ChildOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine(line: string, stream: Stream): void;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

export class ManagedChild {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private exit?: Exit;

  constructor({ argv, cwd, env, onLine }: ChildOptions) {
    const [command, ...args] = argv;
    if (!command) throw new Error('empty command');
    installExitHook();
    // detached: its own process group, so a stop also reaches anything it spawned.
    this.child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (source) createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => onLine(line, stream));
    }
    this.exited = new Promise<Exit>((resolveExit) => {
      let spawnError: Error | undefined;
      this.child.once('error', (error) => {
        spawnError = error;
        // 'close' does not always follow a failed spawn.
        if (this.child.pid === undefined) finish(null, null);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit) return;
        live.delete(this.child);
        this.exit = { code, signal, ...(spawnError ? { error: spawnError } : {}) };
        resolveExit(this.exit);
      };
      this.child.once('close', finish);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** SIGTERM the process group; SIGKILL whatever is left after `graceMs`. */
  async stop(graceMs: number): Promise<Exit> {
    if (this.exit) return this.exit;
    killGroup(this.child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
