/**
 * Issue 13 end to end on the offline cloud (quick profile, every request captured, in objects of
 * up to 10 records or 1 s): /predict answers produce their metrics (EMF lines kept in the data
 * folder) and capture records in the local S3; `pnpm drift` over the MNIST test digits' window finds no drift, and over a window of
 * the same digits rotated a quarter turn finds drift above the threshold. (Inverted digits are no
 * test of drift here: the normaliser turns dark-on-light ink back before the model sees it.)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CAPTURES_PREFIX, parseCaptureObject, type CaptureRecord, type DriftReport } from '@digits/common';
import { seedPublicDataset, startLocalCloud, summaryLine, totals, type LocalCloud } from '@digits/local-cloud';
import { waitForPredict } from '@digits/local-cloud/src/cli/wait-for-predict';
import { mnistTestSamples, pngOf } from '@digits/test-kit';

const run = promisify(execFile);
jest.setTimeout(15 * 60_000);
const ROOT = join(__dirname, '..');
const SAMPLE = 120;

const rotate = (p: Uint8Array): Uint8Array => {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[x * 28 + (27 - y)] = p[y * 28 + x]!;
  return out;
};

describe('metrics, captures and drift on the offline cloud', () => {
  let dir: string;
  let cloud: LocalCloud;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'digits-observe-'));
    cloud = await startLocalCloud({
      dataDir: dir,
      quick: true,
      httpPort: 0,
      configEnv: { DIGITS_CAPTURE_RATE: '1', DIGITS_CAPTURE_BATCH: '10', DIGITS_CAPTURE_FLUSH_SECONDS: '1' },
      log: () => undefined,
    });
    await seedPublicDataset(cloud.s3Client);
    await cloud.functions.invoke('importPublicDataset', {});
  });
  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const predictAll = async (pngs: Buffer[]) => {
    for (const png of pngs) {
      const res = await fetch(`${cloud.apiUrl}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: new Uint8Array(png),
      });
      expect(res.status).toBe(200);
    }
  };
  const drift = async (from: Date, to: Date): Promise<DriftReport> => {
    const port = (url: string) => new URL(url).port;
    const { stdout } = await run(
      'pnpm',
      [
        'drift',
        '--from',
        from.toISOString(),
        '--to',
        to.toISOString(),
        '--s3-port',
        port(cloud.s3.endpoint),
        '--sagemaker-port',
        port(cloud.sageMaker.endpoint),
        '--data-dir',
        dir,
      ],
      { cwd: ROOT, env: { ...process.env, ...cloud.awsEnv } },
    );
    return JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1)) as DriftReport;
  };

  it('predictions produce metrics and captures; drift is found in rotated digits, not in MNIST test digits', async () => {
    const samples = await mnistTestSamples(SAMPLE, 2000);
    await waitForPredict(cloud.apiUrl, pngOf(samples[0]!.pixels), () => false);
    // The warm-up's lines can land after its answer (per-digit lines first, the rest at the end of
    // the invocation): count from when the file has stopped growing.
    const emfBefore = await settledLineCount(() => cloud.metrics.read().length);

    // Act: MNIST test digits, then the same digits rotated, each in its own window.
    const t0 = new Date();
    await predictAll(samples.map((s) => pngOf(s.pixels)));
    await new Promise((r) => setTimeout(r, 10));
    const t1 = new Date();
    await predictAll(samples.map((s) => pngOf(rotate(s.pixels))));
    await new Promise((r) => setTimeout(r, 10));
    const t2 = new Date();
    // Records held in the function instance are written by the first request after the flush age.
    await new Promise((r) => setTimeout(r, 1100));
    await predictAll([pngOf(samples[0]!.pixels)]);

    // Assess: every /predict printed its EMF line, kept in the data folder.
    await settledLineCount(() => cloud.metrics.read().length);
    const emf = cloud.metrics.read().slice(emfBefore);
    const all = totals(emf);
    const predictions = [...all.values()]
      .filter((t) => t.name.startsWith('Predictions{digit='))
      .reduce((n, t) => n + t.sum, 0);
    expect(predictions).toBe(2 * SAMPLE + 1);
    expect(all.get('PredictLatency')?.count).toBe(2 * SAMPLE + 1);
    expect(all.get('EndpointLatency')?.count).toBe(2 * SAMPLE + 1);
    expect(summaryLine(emf)).toMatch(/^metrics \(\d+ EMF lines\): .*Predictions\{digit=\d\}=\d+/);

    // A capture record per request in the local S3, batched in objects, holding what the model saw.
    const bucket = cloud.buckets.find((b) => b.endsWith('-monitoring'))!;
    const listed = await cloud.s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: CAPTURES_PREFIX }));
    const objects: CaptureRecord[][] = [];
    for (const { Key } of listed.Contents!) {
      const object = await cloud.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.push(parseCaptureObject(await object.Body!.transformToString(), Key!));
    }
    const records = objects.flat();
    const inWindow = records.filter((r) => new Date(r.capturedAt) >= t0 && new Date(r.capturedAt) < t2);
    expect(inWindow).toHaveLength(2 * SAMPLE);
    expect(inWindow.every((r) => r.instances.length === 1)).toBe(true);
    expect(Math.max(...objects.map((o) => o.length))).toBe(10);
    // Every record written was counted once (the last request's record is still held).
    expect(totals(cloud.metrics.read()).get('CapturedRequests')?.sum).toBe(records.length);

    // Drift: the test digits' window is below the threshold, the rotated digits' window above it.
    const same = await drift(t0, t1);
    const rotated = await drift(t1, t2);
    expect(same).toMatchObject({ status: 'ok', samples: SAMPLE, threshold: 0.3 });
    expect(same.score).toBeLessThan(0.3);
    expect(Object.keys(same.scores)).toEqual(
      expect.arrayContaining([
        'inkMass',
        'bboxWidth',
        'bboxHeight',
        'centreX',
        'centreY',
        'meanImage',
        'predictedClass',
        'confidence',
      ]),
    );
    expect(rotated).toMatchObject({ status: 'drift', samples: SAMPLE });
    expect(rotated.score).toBeGreaterThan(0.3);

    // The drift run published its scores, and the page reads the latest report.
    const driftMetrics = totals(cloud.metrics.read());
    expect(driftMetrics.get('DriftScore')?.count).toBe(2);
    const page = (await (await fetch(`${cloud.apiUrl}/drift`)).json()) as { report: DriftReport };
    expect(page.report).toMatchObject({ status: 'drift', score: rotated.score });
    // Baseline scored once per model version and cached.
    const baselines = await cloud.s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'baselines/' }));
    expect(baselines.KeyCount).toBe(1);
  });
});

/** The value once it has stayed the same for 500 ms. */
async function settledLineCount(count: () => number): Promise<number> {
  let last = count();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = count();
    if (now === last) return now;
    last = now;
  }
}
