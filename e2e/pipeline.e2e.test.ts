/**
 * The product end to end on the offline cloud, quick profile: seed the public bucket, invoke
 * importPublicDataset, and let events alone carry the data through preprocess, training and
 * deployment until /predict answers real MNIST test digits drawn as PNG. Then the paths a user
 * takes afterwards: an AWS CLI upload (accepted and a corrupt one rejected) and a failed training
 * job, neither of which may disturb the live model.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { quarantineKeys, rawKey } from '@digits/common';
import {
  readMnistIdx,
  sampleTestDigits,
  seedPublicDataset,
  startLocalCloud,
  type LocalCloud,
} from '@digits/local-cloud';
import { waitForModelRecord, waitForPredict } from '@digits/local-cloud/src/cli/wait-for-predict';
import { until } from './until';

/** This file's checks poll twice a second. */
const untilEvery = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000) =>
  until(what, probe, timeoutMs, 500);

const run = promisify(execFile);
jest.setTimeout(15 * 60_000);

describe('pnpm start pipeline (quick profile)', () => {
  let dir: string;
  let cloud: LocalCloud;
  const bucket = (suffix: string) => cloud.buckets.find((b) => b.endsWith(suffix))!;
  const getJson = async (Bucket: string, Key: string) =>
    JSON.parse(await (await cloud.s3Client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString());
  const exists = (Bucket: string, Key: string) =>
    cloud.s3Client.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      () => undefined,
    );
  const aws = (args: string[]) =>
    run('aws', [...args, '--endpoint-url', cloud.s3.endpoint], { env: { ...process.env, ...cloud.awsEnv } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'digits-e2e-'));
    cloud = await startLocalCloud({ dataDir: dir, quick: true, httpPort: 0, log: () => undefined });
  });
  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('goes from seeding to correct /predict answers on real MNIST test digits, driven only by events', async () => {
    // Prepare
    await seedPublicDataset(cloud.s3Client);
    // Act: the one call a user makes by hand; everything else is S3 and EventBridge events.
    await cloud.functions.invoke('importPublicDataset', {});
    const digits = await sampleTestDigits(60, 1000);
    await waitForPredict(cloud.apiUrl, digits[0]!.png, () => false);

    // Assess
    let correct = 0;
    for (const { png, label } of digits) {
      const res = await fetch(`${cloud.apiUrl}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: Buffer.from(png),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { digit: number; probabilities: number[] };
      expect(body.probabilities).toHaveLength(10);
      if (body.digit === label) correct++;
    }
    // Quick model: one epoch on 8,000 rows (~93% on MNIST test); chance is 10%.
    expect(correct / digits.length).toBeGreaterThanOrEqual(0.8);
    const model = await waitForModelRecord<{ trainingJobName?: string }>(cloud.apiUrl, () => false);
    expect(model.trainingJobName).toMatch(/^digits-local--mnist-/);
  });

  it('accepts an AWS CLI upload into the inbox and rejects a corrupt one without disturbing the live model', async () => {
    const before = await waitForModelRecord(cloud.apiUrl, () => false);
    const labels = join(dir, 'train-labels-idx1-ubyte.gz');
    await writeFile(labels, gzipSync(await readMnistIdx('train', 'labels')));
    const corrupt = join(dir, 'train-images-idx3-ubyte.gz');
    await writeFile(corrupt, gzipSync(Buffer.from('this is not an IDX file, just text that looks like data')));

    await aws(['s3', 'cp', labels, `s3://${bucket('-inbox')}/inbox/cli upload/train-labels-idx1-ubyte.gz`]);
    await aws(['s3', 'cp', corrupt, `s3://${bucket('-inbox')}/inbox/cli upload/train-images-idx3-ubyte.gz`]);

    await untilEvery('the valid upload in raw', () =>
      exists(bucket('-raw'), rawKey('cli upload', 'train-labels-idx1-ubyte.gz')),
    );
    const reasonKey = quarantineKeys('cli upload', 'train-images-idx3-ubyte.gz').reason;
    const rejection = await untilEvery('the rejection record', () => getJson(bucket('-inbox'), reasonKey));
    expect(rejection.code).toBe('BAD_MAGIC');
    expect(await exists(bucket('-raw'), rawKey('cli upload', 'train-images-idx3-ubyte.gz'))).toBeUndefined();

    const after = await (await fetch(`${cloud.apiUrl}/model`)).json();
    expect(after).toEqual(before);
    const res = await fetch(`${cloud.apiUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from((await sampleTestDigits(1))[0]!.png),
    });
    expect(res.status).toBe(200);
  });

  it('deploys nothing when a training job fails', async () => {
    const live = await getJson(bucket('-artifacts'), 'registry/live.json');
    expect(live.trainingJobName).toBeTruthy();
    const started = (await cloud.functions.invoke('startTraining', {
      dataset: 'mnist',
      version: (await (await fetch(`${cloud.apiUrl}/model`)).json()).datasetVersion,
      hyperparameters: { epochs: 'not-a-number' },
    })) as { trainingJobName: string };
    const record = await untilEvery(
      'the failed job record',
      () => getJson(bucket('-artifacts'), `registry/models/${started.trainingJobName}.json`),
      180_000,
    );
    expect(record.status).toBe('Failed');
    expect(record.gate.deploy).toBe(false);
    expect(record.failureReason).toMatch(/epochs/);
    expect(await getJson(bucket('-artifacts'), 'registry/live.json')).toEqual(live);
  });
});
