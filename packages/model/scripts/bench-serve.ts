/**
 * pnpm bench:serve [model folder or ML root]   (or BENCH_SERVE_MODEL=...)
 *
 * Starts `serve` (the real CLI, in its own process, as a container would run it) on a trained
 * model — training a quick one on 3,000 MNIST rows first when none is given — and measures
 * POST /invocations over loopback with keep-alive connections:
 *   single-image JSON latency p50/p99 and throughput (sequential, then 4 concurrent connections),
 *   single PNG (280×280 upload) p50, and batch-of-256 JSON latency.
 * Last line: one JSON object {"bench":"serve",...}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PNG } from 'pngjs';
import { MAX_BATCH, ML_ROOT_ENV, PIXELS, SERVE_PORT_ENV } from '@digits/common';
import { readMnistSplit } from '@digits/test-kit';
import { mlRootFor, trainQuickModel } from './bench-models';

const SEQUENTIAL = 2000;
const CONCURRENCY = 4;
const CONCURRENT_TOTAL = 4000;
const PNG_REQUESTS = 300;
const BATCH_REQUESTS = 30;

async function main(): Promise<void> {
  const temp = await mkdtemp(join(tmpdir(), 'bench-serve-'));
  let server: ChildProcess | undefined;
  try {
    const given = process.argv[2] ?? process.env.BENCH_SERVE_MODEL;
    const mlRoot = given ? await mlRootFor(resolve(given), temp) : await trainQuickModel(temp);
    const { child, url } = await startServe(mlRoot);
    server = child;
    const digits = await mnistTestDigits(MAX_BATCH);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = (body: Buffer, type: string) => timedPost(agent, url, body, type);

    const single = Buffer.from(JSON.stringify({ instances: [Array.from(digits[0]!)] }));
    for (let i = 0; i < 200; i++) await post(single, 'application/json'); // warm up both sides

    const started = loadavg()[0]!;
    const sequential: number[] = [];
    const cpu0 = await cpuMs(child.pid!);
    const t0 = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await post(single, 'application/json'));
    const sequentialRps = SEQUENTIAL / ((performance.now() - t0) / 1000);
    // The server's own CPU time per request: less sensitive than latency to a busy machine.
    const serverCpuMs = ((await cpuMs(child.pid!)) - cpu0) / SEQUENTIAL;

    const concurrent: number[] = [];
    let issued = 0;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued++ < CONCURRENT_TOTAL) concurrent.push(await post(single, 'application/json'));
      }),
    );
    const concurrentRps = CONCURRENT_TOTAL / ((performance.now() - t1) / 1000);

    const png = uploadPng(digits[1]!);
    const pngTimes: number[] = [];
    for (let i = 0; i < PNG_REQUESTS; i++) pngTimes.push(await post(png, 'image/png'));

    const batch = Buffer.from(JSON.stringify({ instances: digits.map((d) => Array.from(d)) }));
    const batchTimes: number[] = [];
    for (let i = 0; i < BATCH_REQUESTS; i++) batchTimes.push(await post(batch, 'application/json'));
    agent.destroy();

    const result = {
      bench: 'serve',
      p50Ms: round(percentile(sequential, 50)),
      p99Ms: round(percentile(sequential, 99)),
      rps: Math.round(sequentialRps),
      serverCpuMsPerRequest: round(serverCpuMs),
      concurrentRps: Math.round(concurrentRps),
      concurrentP50Ms: round(percentile(concurrent, 50)),
      concurrentP99Ms: round(percentile(concurrent, 99)),
      pngP50Ms: round(percentile(pngTimes, 50)),
      batch256Ms: round(percentile(batchTimes, 50)),
      batch256PerImageMs: round(percentile(batchTimes, 50) / MAX_BATCH, 4),
      requests: {
        sequential: SEQUENTIAL,
        concurrent: CONCURRENT_TOTAL,
        concurrency: CONCURRENCY,
        png: PNG_REQUESTS,
        batch256: BATCH_REQUESTS,
      },
      loadAverage: [round(started), round(loadavg()[0]!)],
      cpus: cpus().length,
    };
    console.log(
      `single image JSON, sequential: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.rps} req/s; server CPU ${result.serverCpuMsPerRequest} ms/request`,
    );
    console.log(
      `single image JSON, ${CONCURRENCY} connections: ${result.concurrentRps} req/s (p50 ${result.concurrentP50Ms} ms, p99 ${result.concurrentP99Ms} ms)`,
    );
    console.log(`280×280 PNG upload: p50 ${result.pngP50Ms} ms`);
    console.log(`batch of ${MAX_BATCH}: p50 ${result.batch256Ms} ms (${result.batch256PerImageMs} ms/image)`);
    console.log(`load average (1 min) before/after: ${result.loadAverage.join(' / ')} on ${result.cpus} CPUs`);
    console.log(JSON.stringify(result));
  } finally {
    server?.kill('SIGTERM');
    await rm(temp, { recursive: true, force: true });
  }
}

/** Run the CLI's `serve` in a child process and wait for the model to load. */
async function startServe(mlRoot: string): Promise<{ child: ChildProcess; url: string }> {
  const cli = join(__dirname, '..', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    env: { ...process.env, [ML_ROOT_ENV]: mlRoot, [SERVE_PORT_ENV]: '0', LOG_LEVEL: 'info' }, // reads its log lines
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = parse(line);
    if (event?.message === 'listening') url = event.url;
    if (event?.message === 'model loaded') {
      console.log(`serve: model loaded on ${event.backend} in ${event.ms} ms at ${url}`);
      child.stdout!.resume();
      return { child, url: url! };
    }
  }
  throw new Error(`serve exited (code ${child.exitCode}) before loading the model`);
}

/** User + system CPU time of a process (Linux /proc, clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function timedPost(agent: Agent, url: string, body: Buffer, type: string): Promise<number> {
  return new Promise((resolvePost, reject) => {
    const t = performance.now();
    const req = request(
      `${url}/invocations`,
      { method: 'POST', agent, headers: { 'content-type': type, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolvePost(performance.now() - t) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A dark-on-light 280×280 PNG of an MNIST digit, like a drawing a user uploads. */
function uploadPng(digit: Uint8Array): Buffer {
  const png = new PNG({ width: 280, height: 280 });
  for (let y = 0; y < 280; y++) {
    for (let x = 0; x < 280; x++) {
      const v = 255 - digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)]!;
      png.data.set([v, v, v, 255], (y * 280 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

async function mnistTestDigits(count: number): Promise<Uint8Array[]> {
  const { images } = await readMnistSplit('test');
  return Array.from({ length: count }, (_, k) => images.subarray(k * PIXELS, (k + 1) * PIXELS));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (v: number, digits = 3) => Number(v.toFixed(digits));
function parse(line: string): { message?: string; url?: string; backend?: string; ms?: number } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

main()
  .then(() => process.exit(0)) // the threaded wasm backend (used to train) keeps workers alive
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
