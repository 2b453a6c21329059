/**
 * The harness of `pnpm bench:fuzz` and `pnpm bench:soak`: a fresh offline cloud (quick profile)
 * brought to READY, the `serve` child it started found, the memory of both processes sampled
 * while a load runs in a process of its own (so the load's own memory and event loop are not
 * what is measured), and everything stopped afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVE_PORT_ENV } from '@digits/common';
import { sampleTestDigits, seedPublicDataset, startLocalCloud } from '@digits/local-cloud';
import { waitForPredict } from '@digits/local-cloud/src/cli/wait-for-predict';

export interface ServeChild {
  pid: number;
  url: string;
  /** Its command line, so a report can show which process was measured. */
  command: string;
}

export interface RssSample {
  /** Seconds since sampling started. */
  t: number;
  mainMb: number;
  serveMb: number;
}

export interface CloudRun {
  apiUrl: string;
  serve: ServeChild;
  /** Runs a script of this folder in its own Node process (through tsx); resolves with its last stdout line as JSON. */
  runLoad(script: string, args: string[]): Promise<Record<string, unknown>>;
}

export interface CloudReport<T> {
  result: T;
  samples: RssSample[];
  peakRssMb: { main: number; serve: number };
  secondsToReady: number;
  loadAverage1m: number;
}

const MB = 1024 * 1024;

/** Children of `parent` (any depth) whose command line ends with `serve`: the model server the local SageMaker started. */
async function findServe(parent: number): Promise<ServeChild> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string[]>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(pid, (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean));
    } catch {
      // exited meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === parent) return true;
    return false;
  };
  const candidates = [...commands].filter(([pid, argv]) => argv.at(-1) === 'serve' && descends(pid));
  // The container runs under a lifeline wrapper whose command line also ends in `serve`: measure
  // the innermost one (the model server), not a process that is another candidate's parent.
  const wrappers = new Set(candidates.map(([pid]) => parents.get(pid)));
  for (const [pid] of candidates) {
    if (wrappers.has(pid)) continue;
    const env = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    const port = env.find((v) => v.startsWith(`${SERVE_PORT_ENV}=`))?.split('=')[1];
    if (port) return { pid, url: `http://127.0.0.1:${port}`, command: commands.get(pid)!.slice(-2).join(' ') };
  }
  throw new Error('no serve process found under this one: is the endpoint deployed?');
}

/** Resident set of a process in MB (VmRSS), or its peak (VmHWM). */
export async function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export async function withQuickCloud<T>(
  bench: string,
  work: (run: CloudRun) => Promise<T>,
  sampleEveryMs = 500,
): Promise<CloudReport<T>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const say = (m: string) => process.stderr.write(`[bench:${bench}] ${m}\n`);
  const dir = await mkdtemp(join(tmpdir(), `digits-bench-${bench}-`));
  const started = Date.now();
  const cloud = await startLocalCloud({ dataDir: dir, quick: true, httpPort: 0, log: () => undefined });
  try {
    say('cloud up; seeding, importing and training the quick model');
    await seedPublicDataset(cloud.s3Client);
    await cloud.functions.invoke('importPublicDataset', {});
    const [digit] = await sampleTestDigits(1);
    await waitForPredict(cloud.apiUrl, digit!.png, () => false);
    const secondsToReady = Math.round((Date.now() - started) / 100) / 10;
    const serve = await findServe(process.pid);
    say(`READY after ${secondsToReady} s; serve is pid ${serve.pid} (${serve.command}) at ${serve.url}`);

    const samples: RssSample[] = [];
    const t0 = Date.now();
    const sample = async () => {
      samples.push({
        t: Math.round((Date.now() - t0) / 100) / 10,
        mainMb: Math.round((process.memoryUsage.rss() / MB) * 10) / 10,
        serveMb: await rssMb(serve.pid).catch(() => NaN),
      });
    };
    await sample();
    const timer = setInterval(() => void sample(), sampleEveryMs);
    let result: T;
    try {
      result = await work({ apiUrl: cloud.apiUrl, serve, runLoad: (script, args) => runScript(script, args) });
    } finally {
      clearInterval(timer);
    }
    await sample();
    return {
      result,
      samples,
      peakRssMb: {
        main: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
        serve: await rssMb(serve.pid, 'VmHWM').catch(() => NaN),
      },
      secondsToReady,
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    };
  } finally {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function runScript(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, join(__dirname, script), ...args],
      { maxBuffer: 64 * MB },
      (error, stdout) => {
        if (error) return reject(error);
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
        } catch (e) {
          reject(new Error(`${script} printed no JSON line: ${(e as Error).message}`));
        }
      },
    );
    child.stderr?.pipe(process.stderr);
  });
}
