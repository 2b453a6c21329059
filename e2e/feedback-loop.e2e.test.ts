/**
 * Issue 12's training side end to end on the offline cloud (quick profile): corrections waiting in
 * ingest's inbox (the objects POST /feedback writes) are collected by hand (collectCorrections {})
 * into the `corrections` dataset (held-out ones — fixed by id — its test split), preprocess makes
 * its manifest, and training fine-tunes the live model on it with MNIST replayed; the one gate decides.
 *
 * (a) Poisoning (a flood of 200 backhand, heavy-pen digits with random labels): refused, the live
 *     model unchanged, the gate's reason in the registry.
 * (b) Good corrections (500 such digits correctly labelled, ~100 held out; the refused ones are
 *     still in the dataset, as collect keeps every correction): deployed, /predict answers with it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  isHeldOut,
  CORRECTIONS_DATASET,
  REGISTRY_LIVE_KEY,
  REGISTRY_MODELS_PREFIX,
  encodeCorrection,
  newCorrection,
  pendingCorrectionKey,
  type LivePointer,
  type ModelRecord,
} from '@digits/common';
import { sampleTestDigits, seedPublicDataset, startLocalCloud, type LocalCloud } from '@digits/local-cloud';
import { waitForPredict } from '@digits/local-cloud/src/cli/wait-for-predict';
import { styledDigits, type Correction } from './feedback-drawings';
import { until } from './until';

jest.setTimeout(15 * 60_000);

describe('corrections retrain the live model behind the gate (quick profile)', () => {
  let dir: string;
  let cloud: LocalCloud;
  let samplePng: Uint8Array;
  const bucket = (suffix: string) => cloud.buckets.find((b) => b.endsWith(suffix))!;
  const getJson = async <T>(Bucket: string, Key: string): Promise<T> =>
    JSON.parse(await (await cloud.s3Client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()) as T;
  const live = () => getJson<LivePointer>(bucket('-artifacts'), REGISTRY_LIVE_KEY);
  const predictedVersion = async () => {
    const res = await fetch(`${cloud.apiUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from(samplePng),
    });
    return ((await res.json()) as { model?: { version?: string } }).model?.version;
  };
  /** The registry record of a model trained on corrections that is not among `seen`. */
  const newCorrectionsRecord = (seen: Set<string>) =>
    until(
      'a model record trained on corrections',
      async () => {
        const listed = await cloud.s3Client.send(
          new ListObjectsV2Command({ Bucket: bucket('-artifacts'), Prefix: REGISTRY_MODELS_PREFIX }),
        );
        const key = (listed.Contents ?? [])
          .map((o) => o.Key!)
          .find((k) => k.includes(`--${CORRECTIONS_DATASET}-`) && !seen.has(k));
        if (!key) return undefined;
        seen.add(key);
        return getJson<ModelRecord>(bucket('-artifacts'), key);
      },
      6 * 60_000,
    );
  /** What POST /feedback stores for each correction, then collectCorrections invoked by hand. */
  const sendCorrections = async (corrections: Correction[]) => {
    // 20 at a time: each write also wakes collectCorrections (below the threshold, it only counts).
    for (let i = 0; i < corrections.length; i += 20)
      await Promise.all(
        corrections.slice(i, i + 20).map((c) => {
          const record = newCorrection(
            Float32Array.from(c.pixels, (v) => v / 255),
            c.label,
          );
          return cloud.s3Client.send(
            new PutObjectCommand({
              Bucket: bucket('-inbox'),
              Key: pendingCorrectionKey(record.id),
              Body: encodeCorrection(record),
            }),
          );
        }),
      );
    expect(await cloud.functions.invoke('collectCorrections', {})).toMatchObject({ status: 'collected' });
  };
  const seen = new Set<string>();
  let good: Correction[];
  let poison: Correction[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'digits-feedback-e2e-'));
    // Collected by hand here, never by the threshold, so each step is one dataset.
    cloud = await startLocalCloud({
      dataDir: dir,
      quick: true,
      httpPort: 0,
      configEnv: { FEEDBACK_MIN_CORRECTIONS: '100000' },
      log: () => undefined,
    });
    samplePng = (await sampleTestDigits(1))[0]!.png;
    await seedPublicDataset(cloud.s3Client);
    await cloud.functions.invoke('importPublicDataset', {});
    await waitForPredict(cloud.apiUrl, samplePng, () => false);
    await until('live.json', () => live(), 120_000);
  });
  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('(a) poisoning: a flood of random labels is refused by the gate, the live model stays, the reason is recorded', async () => {
    const before = await live();
    let state = 12345;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) % 10;
    poison = (await styledDigits(200, 500)).map(({ pixels }) => ({ pixels, label: random() }));
    await sendCorrections(poison);

    const model = await newCorrectionsRecord(seen);

    expect(model.feedback).toMatchObject({ initModel: before.trainingJobName });
    expect(model.gate.deploy).toBe(false);
    expect(model.gate.reason).toMatch(/held-out corrections|dropped from the live model's/);
    expect(await live()).toEqual(before);
    expect(await until('a /predict model version', predictedVersion, 60_000)).toBe(before.trainingJobName);
  });

  it('(b) good corrections (with the refused ones still in the dataset): fine-tuned, deployed, /predict answers with the new version', async () => {
    const before = await live();
    const versionBefore = await until('a /predict model version', predictedVersion, 60_000);
    expect(versionBefore).toBe(before.trainingJobName);
    good = (await styledDigits(500)).map(({ pixels, label }) => ({ pixels, label }));
    await sendCorrections(good);

    const model = await newCorrectionsRecord(seen);

    expect(model.feedback).toMatchObject({ initModel: before.trainingJobName, replayRows: 6000 });
    // Trained on every training correction so far (counted once: the same image and label is one
    // correction), judged only on the new held-out ones: the refused flood's are not judged again.
    const ids = (cs: Correction[]) =>
      new Set(
        cs.map(
          (c) =>
            newCorrection(
              Float32Array.from(c.pixels, (v) => v / 255),
              c.label,
            ).id,
        ),
      );
    const all = [...ids([...poison, ...good])];
    const fresh = [...ids(good)];
    expect(model.feedback!.corrections).toBe(all.filter((id) => !isHeldOut(id)).length);
    expect(model.feedback!.heldOut).toBe(fresh.filter(isHeldOut).length);
    expect(model.feedback!.heldOutAccuracy).toBeGreaterThan(model.feedback!.initHeldOutAccuracy!);
    expect(model.gate).toMatchObject({ deploy: true });
    expect(model.gate.reason).toMatch(/held-out corrections \(\d+\): .* against the live model's/);
    await until(
      '/predict answering with the new model',
      async () => ((await predictedVersion()) === model.trainingJobName ? true : undefined),
      4 * 60_000,
    );
    expect((await live()).trainingJobName).toBe(model.trainingJobName);
  });
});
