/**
 * POST /feedback and GET /model's corrections and history against a real local S3 (s3rver with
 * S3's conditional writes): requests are API-Gateway-shaped and go through the Lambda handler with
 * its middy middlewares, as in predict-api.e2e.test.ts. Corrections must land in the inbox bucket
 * as the contract (packages/common/src/corrections.ts) says, once each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  REGISTRY_LIVE_KEY,
  correctionId,
  createLogger,
  encodeCapturedInput,
  learnedCorrectionKey,
  modelRecordKey,
  parseCorrection,
  pendingCorrectionKey,
  type LivePointer,
  type ModelRecord,
} from '@digits/common';
import { normaliseImage } from '@digits/normalise';
import {
  httpEvent,
  jpegOf,
  lambdaContext,
  mnistTestSamples,
  pngOf,
  startLocalS3,
  useLocalAwsEnv,
  type MnistSample,
} from '@digits/test-kit';
import { createApi } from '../services/inference/src/http/app';
import { MAX_REQUEST_BODY_BYTES } from '../services/inference/src/predict/body';
import { createServices } from '../services/inference/src/services';
import { postFeedbackEvent as post } from '../services/inference/test/support/feedback-events';

jest.setTimeout(60_000);

const INBOX = 'digits-fb-inbox';
const ARTIFACTS = 'digits-fb-artifacts';
const LIVE = 'digits-fb-20260102-000000';

let dir: string;
let s3: Awaited<ReturnType<typeof startLocalS3>>;
let client: S3Client;
let restoreEnv: () => void;
let api: ReturnType<typeof createApi>;
let samples: MnistSample[];

async function call(event: APIGatewayProxyEventV2) {
  const res = (await api(event, lambdaContext())) as { statusCode: number; body: string };
  return { status: res.statusCode, json: JSON.parse(res.body) };
}

async function keys(prefix: string): Promise<string[]> {
  const res = await client.send(new ListObjectsV2Command({ Bucket: INBOX, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}
async function text(bucket: string, key: string): Promise<string> {
  return await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}
const putJson = (bucket: string, key: string, doc: unknown) =>
  client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(doc) }));

const record = (job: string, recordedAt: string, extra: Partial<ModelRecord> = {}): ModelRecord => ({
  trainingJobName: job,
  status: 'Completed',
  dataset: 'mnist',
  datasetVersion: 'v-1',
  metrics: { test_accuracy: 0.97 },
  gate: { deploy: true, reason: 'first model' },
  recordedAt,
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feedback-api-'));
  s3 = await startLocalS3({ directory: join(dir, 's3'), buckets: [INBOX, ARTIFACTS] });
  restoreEnv = useLocalAwsEnv({ s3: s3.endpoint });
  client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint });
  // Clients are created here, after the environment points them at the local S3.
  api = createApi(
    createServices(
      {
        endpointName: 'digits-fb',
        artifactsBucket: ARTIFACTS,
        corsOrigins: ['*'],
        feedback: { inboxBucket: INBOX, minCorrections: 5, schedule: 'rate(1 day)' },
      },
      undefined,
      createLogger('feedback-e2e', () => undefined),
    ),
  );
  samples = await mnistTestSamples(6);
});

afterAll(async () => {
  client?.destroy();
  restoreEnv?.();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('POST /feedback against a local S3', () => {
  it('stores each correction once under corrections/pending/<id>.json, holding the normalised image and no upload', async () => {
    const png = pngOf(samples[0]!.pixels);
    const first = await call(post(png, 'image/png', { label: '7', predicted: '1', model: LIVE }));

    expect(first.status).toBe(202);
    const input = encodeCapturedInput(normaliseImage(png).pixels);
    expect(first.json).toEqual({ id: correctionId(input, 7), pending: 1 });
    const stored = parseCorrection(await text(INBOX, pendingCorrectionKey(first.json.id)), 'stored');
    expect(stored).toMatchObject({ label: 7, predicted: 1, model: LIVE, input });
    expect(Date.now() - Date.parse(stored.receivedAt)).toBeLessThan(60_000);

    // The same image and label again, as JSON with a data URL: the same correction, not a second one.
    const again = await call(
      post(JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, label: 7 }), 'application/json'),
    );
    expect(again).toEqual({ status: 202, json: { id: first.json.id, pending: 1 } });
    // The first write stands (create-only): its prediction and model are still there.
    expect(parseCorrection(await text(INBOX, pendingCorrectionKey(first.json.id)), 'kept')).toEqual(stored);
    expect(await keys('corrections/')).toEqual([pendingCorrectionKey(first.json.id)]);
  });

  it('counts every pending correction: JPEG and base64 JSON forms too, one per image and label', async () => {
    const answers = [];
    for (const [i, s] of samples.slice(1, 4).entries()) {
      const event =
        i % 2 === 0
          ? post(jpegOf(s.pixels), 'image/jpeg', { label: String(s.label) })
          : post(
              JSON.stringify({ image: pngOf(s.pixels).toString('base64'), label: s.label, predicted: null }),
              'application/json',
            );
      answers.push(await call(event));
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.map((a) => a.json.pending)).toEqual([2, 3, 4]);
    expect(await keys('corrections/pending/')).toHaveLength(4);
  });

  it('takes a correction already learned from (moved to learned/) as a duplicate', async () => {
    const png = pngOf(samples[4]!.pixels);
    const first = await call(post(png, 'image/png', { label: String(samples[4]!.label) }));
    const id = first.json.id as string;
    // What ingest does once a dataset holds it: move pending → learned.
    await client.send(
      new CopyObjectCommand({
        Bucket: INBOX,
        CopySource: `${INBOX}/${pendingCorrectionKey(id)}`,
        Key: learnedCorrectionKey(id),
      }),
    );
    await client.send(new DeleteObjectCommand({ Bucket: INBOX, Key: pendingCorrectionKey(id) }));

    const again = await call(post(png, 'image/png', { label: String(samples[4]!.label) }));

    expect(again).toEqual({ status: 202, json: { id, pending: 4 } });
    expect(await keys('corrections/pending/')).not.toContain(pendingCorrectionKey(id));
  });

  it.each([
    ['no label', () => post(pngOf(samples[5]!.pixels), 'image/png'), 400, 'BAD_LABEL'],
    ['label 11', () => post(pngOf(samples[5]!.pixels), 'image/png', { label: '11' }), 400, 'BAD_LABEL'],
    [
      "label '7.5'",
      () =>
        post(JSON.stringify({ image: pngOf(samples[5]!.pixels).toString('base64'), label: '7.5' }), 'application/json'),
      400,
      'BAD_LABEL',
    ],
    ['a negative label', () => post(pngOf(samples[5]!.pixels), 'image/png', { label: '-1' }), 400, 'BAD_LABEL'],
    [
      'two images',
      () =>
        post(
          JSON.stringify({
            instances: [pngOf(samples[5]!.pixels).toString('base64'), pngOf(samples[4]!.pixels).toString('base64')],
            label: 1,
          }),
          'application/json',
        ),
      400,
      'BAD_REQUEST',
    ],
    ['no image', () => post(JSON.stringify({ label: 1 }), 'application/json'), 400, 'BAD_REQUEST'],
    [
      'bad base64',
      () => post(JSON.stringify({ image: 'iVBOR*w0K', label: 1 }), 'application/json'),
      400,
      'UNDECODABLE',
    ],
    [
      'an oversized body',
      () => post(Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1, 1), 'image/png', { label: '1' }),
      413,
      'TOO_LARGE',
    ],
    ['a wrong content type', () => post('seven', 'text/plain', { label: '7' }), 415, 'UNSUPPORTED_MEDIA'],
  ])('refuses %s with its status and code, and stores nothing', async (_what, event, status, code) => {
    const before = await keys('corrections/');
    const res = await call(event());
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(await keys('corrections/')).toEqual(before);
  });
});

describe('GET /model: the corrections and the model history from the local S3', () => {
  it('says how many wait, when the next training starts, what the live model learned from, and the newest records', async () => {
    const older = record('digits-fb-20260101-000000', '2026-01-01T00:00:00.000Z');
    const live = record(LIVE, '2026-01-02T00:00:00.000Z', {
      dataset: 'corrections',
      feedback: {
        initModel: older.trainingJobName,
        corrections: 8,
        heldOut: 2,
        heldOutAccuracy: 1,
        initHeldOutAccuracy: 0.5,
        replayRows: 600,
      },
      gate: { deploy: true, reason: 'held-out corrections improved; MNIST held' },
    });
    const refused = record('digits-fb-20260103-000000', '2026-01-03T00:00:00.000Z', {
      dataset: 'corrections',
      gate: { deploy: false, reason: 'held-out corrections did not improve' },
    });
    for (const r of [older, live, refused]) await putJson(ARTIFACTS, modelRecordKey(r.trainingJobName), r);
    const pointer: LivePointer = {
      endpointName: 'digits-fb',
      trainingJobName: LIVE,
      modelName: `${LIVE}-model`,
      endpointConfigName: `${LIVE}-config`,
      testAccuracy: 0.97,
      deployedAt: '2026-01-02T00:05:00.000Z',
      history: [],
    };
    await putJson(ARTIFACTS, REGISTRY_LIVE_KEY, pointer);

    const res = await call(httpEvent({ path: '/model' }));

    expect(res.status).toBe(200);
    expect(res.json.feedback).toEqual({ pending: 4, minCorrections: 5, schedule: 'rate(1 day)', learnedFrom: 10 });
    expect(res.json.history.map((h: { trainingJobName: string }) => h.trainingJobName)).toEqual([
      refused.trainingJobName,
      LIVE,
      older.trainingJobName,
    ]);
    expect(res.json.history[0].gate).toEqual({ deploy: false, reason: 'held-out corrections did not improve' });
    expect(res.json.history[1].feedback).toEqual(live.feedback);
  });
});
