/**
 * pnpm bench:feedback — issue 12's loop on a fresh offline cloud (the stack `pnpm start` runs):
 *   1. the first model trains on MNIST and goes live;
 *   2. drawings in a style it gets wrong (e2e/feedback-drawings.ts: MNIST test digits redrawn on the
 *      page's canvas with a strong backhand, or --style heavy-backhand, every digit from --offset, none picked) are split in
 *      two, alternately: one half is sent as corrections through POST /feedback (FEEDBACK_MIN_CORRECTIONS
 *      is set to that count, so the last one starts the retraining), the other half is kept for scoring;
 *   3. the style half and the MNIST test set (10,000 images, as pixel batches) are scored through
 *      /predict before, and again once /predict answers with a new model (or the gate refused it).
 *
 *   pnpm bench:feedback [--count 1000] [--offset 1000] [--quick] [--via feedback|inbox]
 *                       [--style strong-backhand|heavy-backhand]
 * --via inbox (development, before POST /feedback existed) normalises each drawing as /predict
 * does and writes the correction objects POST /feedback would store into ingest's inbox.
 * The last line is one JSON object: {"bench":"feedback",...}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CORRECTIONS_DATASET,
  PIXELS,
  REGISTRY_LIVE_KEY,
  REGISTRY_MODELS_PREFIX,
  encodeCorrection,
  newCorrection,
  pendingCorrectionKey,
  type LivePointer,
  type ModelRecord,
} from '@digits/common';
import { readMnistSplit, sampleTestDigits, seedPublicDataset, startLocalCloud } from '@digits/local-cloud';
import { waitForPredict } from '@digits/local-cloud/src/cli/wait-for-predict';
import { describeStyle, styledDigits, STYLES, type StyledDigit } from '../feedback-drawings';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    offset: { type: 'string', default: '1000' },
    quick: { type: 'boolean', default: false },
    via: { type: 'string', default: 'feedback' },
    style: { type: 'string', default: 'strong-backhand' },
  },
});
const count = Number(values.count);
const offset = Number(values.offset);
if (!Number.isInteger(count) || count < 10 || !Number.isInteger(offset) || offset < 0 || offset + count > 10_000)
  throw new Error('--count (≥ 10) and --offset must pick MNIST test digits within 0..9999');
if (values.via !== 'feedback' && values.via !== 'inbox') throw new Error('--via must be feedback or inbox');
if (!(values.style in STYLES)) throw new Error(`--style must be one of ${Object.keys(STYLES).join(', ')}`);
const style = STYLES[values.style as keyof typeof STYLES];

const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  predictions: Array<{ digit: number }>;
  model: { version: string } | null;
}

/** POST a JSON body; the throttle's 429 is waited out (the bench measures the loop, not the rate). */
async function postJson(url: string, { body }: { body: unknown }): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 429 || attempt >= 50) return res;
    await res.arrayBuffer();
    await sleep(200);
  }
}

async function predictBatch(apiUrl: string, instances: unknown[]): Promise<Answer> {
  const res = await postJson(`${apiUrl}/predict`, { body: { instances } });
  if (!res.ok) throw new Error(`/predict answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Answer;
}

/** Accuracy through /predict, in batches, and the model version that answered. */
async function score(
  apiUrl: string,
  items: Array<{ instance: unknown; label: number }>,
  batch: number,
): Promise<{ accuracy: number; version: string | undefined; digits: number[] }> {
  let right = 0;
  let version: string | undefined;
  const digits: number[] = [];
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch);
    const answer = await predictBatch(
      apiUrl,
      chunk.map((c) => c.instance),
    );
    answer.predictions.forEach((p, k) => {
      digits.push(p.digit);
      right += p.digit === chunk[k]!.label ? 1 : 0;
    });
    version = answer.model?.version;
  }
  return { accuracy: right / items.length, version, digits };
}

async function mnistTestItems(): Promise<Array<{ instance: number[]; label: number }>> {
  const { count, images, labels } = await readMnistSplit('test');
  return Array.from({ length: count }, (_, i) => ({
    instance: Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS)),
    label: labels[i]!,
  }));
}

const styleItems = (digits: StyledDigit[]) =>
  digits.map((d) => ({ instance: Buffer.from(d.png).toString('base64'), label: d.label }));

async function main(): Promise<void> {
  const digits = await styledDigits(count, offset, style);
  const toSend = digits.filter((_, i) => i % 2 === 0);
  const toScore = styleItems(digits.filter((_, i) => i % 2 === 1));
  // The same image and label is one correction: the threshold is the number of distinct ones, so
  // the last one sent starts the retraining.
  const distinct = new Set(
    toSend.map(
      (d) =>
        newCorrection(
          Float32Array.from(d.pixels, (v) => v / 255),
          d.label,
        ).id,
    ),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'digits-bench-feedback-'));
  const cloud = await startLocalCloud({
    dataDir,
    quick: values.quick,
    httpPort: 0,
    configEnv: { FEEDBACK_MIN_CORRECTIONS: String(distinct.size) },
    log: () => undefined,
  });
  const artifacts = cloud.buckets.find((b) => b.endsWith('-artifacts'))!;
  const getJson = async <T>(Key: string): Promise<T | undefined> => {
    try {
      const out = await cloud.s3Client.send(new GetObjectCommand({ Bucket: artifacts, Key }));
      return JSON.parse(await out.Body!.transformToString()) as T;
    } catch {
      return undefined;
    }
  };
  try {
    const started = performance.now();
    await seedPublicDataset(cloud.s3Client);
    await cloud.functions.invoke('importPublicDataset', {});
    const [sample] = await sampleTestDigits(1);
    await waitForPredict(cloud.apiUrl, sample!.png, () => false);
    log(`first model live in ${round((performance.now() - started) / 1000, 1)} s`);

    const mnist = await mnistTestItems();

    const styleBefore = await score(cloud.apiUrl, toScore, 25);
    const mnistBefore = await score(cloud.apiUrl, mnist, 200);
    const liveBefore = (await getJson<LivePointer>(REGISTRY_LIVE_KEY))!.trainingJobName;
    log(`before (${liveBefore}): style ${styleBefore.accuracy}, MNIST ${mnistBefore.accuracy}`);

    // Each correction is what the page sends after "Wrong? It is a: n": the drawing, the label, the answer.
    const answered = await score(cloud.apiUrl, styleItems(toSend), 25);
    let lastCorrectionAt = 0;
    if (values.via === 'feedback') {
      for (const [i, d] of toSend.entries()) {
        const res = await postJson(`${cloud.apiUrl}/feedback`, {
          body: {
            image: Buffer.from(d.png).toString('base64'),
            label: d.label,
            predicted: answered.digits[i],
            model: liveBefore,
          },
        });
        if (res.status !== 202) throw new Error(`POST /feedback answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        lastCorrectionAt = performance.now();
      }
    } else {
      const inbox = cloud.buckets.find((b) => b.endsWith('-inbox'))!;
      for (const [i, d] of toSend.entries()) {
        const record = newCorrection(
          Float32Array.from(d.pixels, (v) => v / 255),
          d.label,
          {
            predicted: answered.digits[i]!,
            model: liveBefore,
          },
        );
        await cloud.s3Client.send(
          new PutObjectCommand({ Bucket: inbox, Key: pendingCorrectionKey(record.id), Body: encodeCorrection(record) }),
        );
        lastCorrectionAt = performance.now();
      }
    }
    log(`${toSend.length} corrections sent (${distinct.size} distinct, ${values.via})`);

    // Until /predict answers with another model, or the gate refused the one trained on corrections.
    let refused: ModelRecord | undefined;
    let secondsToLive: number | null = null;
    for (const deadline = Date.now() + 30 * 60_000; Date.now() < deadline; await sleep(500)) {
      const answer = await predictBatch(cloud.apiUrl, [toScore[0]!.instance]);
      if (answer.model?.version && answer.model.version !== liveBefore) {
        secondsToLive = (performance.now() - lastCorrectionAt) / 1000;
        break;
      }
      const listed = await cloud.s3Client.send(
        new ListObjectsV2Command({ Bucket: artifacts, Prefix: `${REGISTRY_MODELS_PREFIX}` }),
      );
      const key = (listed.Contents ?? []).map((o) => o.Key!).find((k) => k.includes(`--${CORRECTIONS_DATASET}-`));
      const record = key ? await getJson<ModelRecord>(key) : undefined;
      if (record && !record.gate.deploy) {
        refused = record;
        break;
      }
    }
    const live = await getJson<LivePointer>(REGISTRY_LIVE_KEY);
    const learnt = live && (await getJson<ModelRecord>(`${REGISTRY_MODELS_PREFIX}${live.trainingJobName}.json`));
    if (refused) log(`gate refused ${refused.trainingJobName}: ${refused.gate.reason}`);
    else if (learnt) log(`gate: ${learnt.gate.reason}`);

    const styleAfter = await score(cloud.apiUrl, toScore, 25);
    const mnistAfter = await score(cloud.apiUrl, mnist, 200);
    const record = refused ?? learnt;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'feedback',
        style: describeStyle(style),
        profile: values.quick ? 'quick' : 'full',
        via: values.via,
        corrections: distinct.size,
        scored: toScore.length,
        secondsFromLastCorrectionToLive: secondsToLive === null ? null : round(secondsToLive, 1),
        styleAccuracyBefore: round(styleBefore.accuracy),
        styleAccuracyAfter: round(styleAfter.accuracy),
        mnistAccuracyBefore: round(mnistBefore.accuracy),
        mnistAccuracyAfter: round(mnistAfter.accuracy),
        deployed: secondsToLive !== null,
        modelBefore: liveBefore,
        modelAfter: styleAfter.version,
        feedback: record?.feedback ?? null,
        gate: record?.gate.reason ?? null,
        loadAverage1m: round(loadavg()[0]!, 2),
      })}\n`,
    );
  } finally {
    await cloud.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench:feedback failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
