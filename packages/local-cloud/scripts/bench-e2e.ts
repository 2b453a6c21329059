/**
 * `pnpm bench:e2e`: a fresh offline cloud with default settings, timed from start to READY
 * (/predict answers), then bounded loads on /predict from a separate process: first what the
 * page really sends (real MNIST test digits redrawn stroke by stroke on its 280×280 canvas, an
 * RGBA PNG — the headline figures), then 28×28 MNIST PNGs (`mnist28`). Each load also says where a
 * request's CPU went (`cpuMsPerRequest`: this process, of which the inference function, the model
 * server, the load generator).
 * Last line: one JSON object ({"bench":"e2e",...}).
 * Options: --quick (smoke profile), --requests N (3000), --connections N (4), --keep (keep data).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startLocalCloud } from '../src/local-cloud';
import { samplePageDrawings } from '../src/page-drawings';
import { sampleTestDigits, type SampleDigit } from '../src/sample-digits';
import { seedPublicDataset } from '../src/seed-public-dataset';
import { waitForModelRecord, waitForPredict } from '../src/cli/wait-for-predict';
import { cpuMs, descendants } from '../test/process-tree';

const run = promisify(execFile);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      requests: { type: 'string', default: '3000' },
      connections: { type: 'string', default: '4' },
      keep: { type: 'boolean', default: false },
    },
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dir = await mkdtemp(join(tmpdir(), 'digits-bench-e2e-'));
  const say = (m: string) => process.stderr.write(`[bench:e2e] ${m}\n`);
  const started = Date.now();
  const cloud = await startLocalCloud({ dataDir: dir, quick: values.quick, httpPort: 0, log: () => undefined });
  try {
    say(`cloud up in ${((Date.now() - started) / 1000).toFixed(1)} s; seeding and importing`);
    await seedPublicDataset(cloud.s3Client);
    await cloud.functions.invoke('importPublicDataset', {});
    const digits = await sampleTestDigits(500);
    await waitForPredict(cloud.apiUrl, digits[0]!.png, () => false);
    const secondsToReady = (Date.now() - started) / 1000;
    say(`READY after ${secondsToReady.toFixed(1)} s`);

    const model = await waitForModelRecord<{ metrics?: Record<string, number> }>(cloud.apiUrl, () => false);
    const drawings = await samplePageDrawings(500);
    const mnist28 = await sampleTestDigits(500, 0, 1);
    const accuracy = async (samples: SampleDigit[]) => {
      let correct = 0;
      for (const { png, label } of samples) {
        const res = await fetch(`${cloud.apiUrl}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: Buffer.from(png),
        });
        if (res.ok && ((await res.json()) as { digit: number }).digit === label) correct++;
      }
      return correct / samples.length;
    };

    const load = async (name: string, samples: SampleDigit[]) => {
      const pngDir = join(dir, `load-${name}`);
      await mkdir(pngDir, { recursive: true });
      await Promise.all(samples.map((d, i) => writeFile(join(pngDir, `${i}.png`), d.png)));
      say(
        `load (${name}): ${values.requests} requests, ${values.connections} connections, after 500 uncounted warm-up requests`,
      );
      const cpu = cpuSnapshot();
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          pathToFileURL(require.resolve('tsx')).href,
          join(__dirname, 'load-predict.ts'),
          cloud.apiUrl,
          pngDir,
          values.requests!,
          values.connections!,
        ],
        { maxBuffer: 1 << 20 },
      );
      const figures = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
      return { ...figures, cpuMsPerRequest: cpuPerRequest(cpu, figures.cpuMs!, figures.requests!) };
    };

    /**
     * Where a request's CPU goes, so the figure says what bounds it: this process (the HTTP API,
     * S3, the SageMaker stand-in and the function workers), the inference function's own busy time
     * within it, the other processes this one started (the model server: /proc, Linux only) and
     * the load generator. Two cores give at most 2,000 ms of CPU a second.
     */
    const inference = cloud.functions.functions.find((f) => f.service === 'digits-inference' && f.key === 'api')!.name;
    const cloudCpuMs = () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
    const cpuSnapshot = () => ({
      cloudMs: cloudCpuMs(),
      functionMs: cloud.functions.busyMs(inference),
      // The processes alive before the load (the load generator is not yet among them).
      children: new Map(descendants(process.pid).map((pid) => [pid, cpuMs(pid)])),
    });
    const cpuPerRequest = (before: ReturnType<typeof cpuSnapshot>, loadGeneratorMs: number, requests: number) => {
      const cloudMs = cloudCpuMs() - before.cloudMs;
      const functionMs = cloud.functions.busyMs(inference) - before.functionMs;
      let childrenMs = 0;
      for (const [pid, ms] of before.children) childrenMs += (cpuMs(pid) ?? ms ?? 0) - (ms ?? 0);
      const per = (ms: number) => Number((ms / requests).toFixed(2));
      return {
        cloudProcess: per(cloudMs),
        inferenceFunction: per(functionMs),
        modelServer: per(childrenMs),
        loadGenerator: per(loadGeneratorMs),
        total: per(cloudMs + childrenMs + loadGeneratorMs),
      };
    };
    const page = await load('page-280', drawings);
    const small = await load('mnist-28', mnist28);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'e2e',
        profile: values.quick ? 'quick' : 'default',
        secondsToReady: Number(secondsToReady.toFixed(1)),
        testAccuracy: model.metrics?.test_accuracy,
        pngAccuracy: await accuracy(digits),
        pageDrawingAccuracy: await accuracy(drawings),
        payload: 'page 280×280 RGBA canvas PNG',
        ...page,
        mnist28: small,
        loadAverage1m: loadavg()[0],
      })}\n`,
    );
  } finally {
    await cloud.close();
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench:e2e failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
