import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The `train` / `serve` child processes: output captured line by line, stopped as a process group
 * (SIGTERM, then SIGKILL after a grace period, as SageMaker does), and never left running when this
 * process ends — however it ends. Each command runs under lifeline.js, which ends the group when
 * this process is gone: an exit handler alone does not run on SIGKILL or on an unhandled SIGHUP or
 * SIGTERM (pnpm 12 SIGKILLs the script's process group when it is itself hung up on).
 */

const LIFELINE = join(__dirname, 'lifeline.js');
/** How long a command orphaned by this process's death gets between SIGTERM and SIGKILL. */
const ORPHAN_GRACE_MS = 5000;
/** lifeline.js's exit code when the command itself could not be started. */
const NOT_STARTED = 127;

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
    // detached: its own process group, so a stop also reaches anything it spawned, and a Ctrl-C
    // to this process's group does not kill it before this process has stopped it in order.
    // stdin is the lifeline: it closes when this process is gone.
    this.child = spawn(process.execPath, [LIFELINE, String(ORPHAN_GRACE_MS), command, ...args], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this.child);
    let notStarted: string | undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
        if (stream === 'stderr' && line.startsWith('lifeline: could not start ')) notStarted = line.slice(10);
        else onLine(line, stream);
      });
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
        if (code === NOT_STARTED && notStarted) spawnError ??= new Error(notStarted);
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
