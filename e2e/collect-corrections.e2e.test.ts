/**
 * Corrections → dataset → manifest on the local cloud: ingest and preprocess run by the local
 * Lambda runner from their own serverless.yml (bundled as `sls package` bundles them), S3 events
 * from a real s3rver. Training is not loaded, so no manifest here starts a training job.
 * FEEDBACK_MIN_CORRECTIONS is 12 (the env fallback of the feedbackMinCorrections param).
 */
import path from 'node:path';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  LEARNED_CORRECTIONS_PREFIX,
  PENDING_CORRECTIONS_PREFIX,
  encodeCorrection,
  parseManifest,
  pendingCorrectionKey,
  type CorrectionRecord,
  type Manifest,
} from '@digits/common';
import { REPO_ROOT, localAwsEnv, startFunctions, type LocalFunctions } from '@digits/local-cloud';
import { buildCorrectionsDataset } from '../services/ingest/src/corrections-dataset';
import { correctionsWith } from '../services/ingest/test/corrections-fixtures';
import { BUCKETS, listKeys, startS3Fixture, type LocalS3Fixture } from '../services/ingest/test/s3-buckets';

jest.setTimeout(300_000);

const MIN = 12;

describe('corrections in the inbox → collectCorrections → preprocess → a corrections manifest', () => {
  let fx: LocalS3Fixture;
  let s3: S3Client;
  let fns: LocalFunctions;
  const logs: string[] = [];

  beforeAll(async () => {
    fx = await startS3Fixture();
    s3 = fx.s3;
    const awsEnv = localAwsEnv({ s3: fx.server.endpoint });
    fns = await startFunctions({
      serviceDirs: [path.join(REPO_ROOT, 'services/ingest'), path.join(REPO_ROOT, 'services/preprocess')],
      // No X-Ray daemon here (as pnpm start sets it).
      baseEnv: { ...awsEnv, POWERTOOLS_TRACE_ENABLED: 'false' },
      configEnv: {
        ...(process.env as Record<string, string>),
        ...awsEnv,
        DIGITS_BUCKET_PREFIX: 'digits-test', // the fixture's buckets
        FEEDBACK_MIN_CORRECTIONS: String(MIN),
      },
      log: (line) => logs.push(line),
      asyncRetryDelaysMs: [50, 50],
    });
    fns.attachS3(fx.server.server);
  });
  afterAll(async () => {
    await fns?.close();
    await fx?.stop();
  });
  // The functions' own log lines, for a failing run: COLLECT_E2E_LOGS=1.
  afterAll(() => void (process.env.COLLECT_E2E_LOGS && console.log(logs.join('\n'))));

  const manifests = async () =>
    (await listKeys(s3, BUCKETS.processed, 'corrections/')).filter((k) => k.endsWith('/manifest.json'));
  const readManifest = async (key: string): Promise<Manifest> =>
    parseManifest(
      await (await s3.send(new GetObjectCommand({ Bucket: BUCKETS.processed, Key: key }))).Body!.transformToString(),
    );
  /** What POST /feedback writes: one create-only object per correction. */
  const send = (r: CorrectionRecord) =>
    s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.inbox,
        Key: pendingCorrectionKey(r.id),
        Body: encodeCorrection(r),
        ContentType: 'application/json',
        IfNoneMatch: '*',
      }),
    );
  const classCounts = (records: CorrectionRecord[]) =>
    Array.from({ length: 10 }, (_, d) => records.filter((r) => r.label === d).length);

  const first = correctionsWith(9, 3);
  let firstManifest = '';

  it('is wired as serverless.yml says: the inbox trigger, the threshold from the param, the schedule', () => {
    const collect = fns.services.flatMap((s) => s.functions).find((f) => f.key === 'collectCorrections')!;
    expect(collect.events.s3).toEqual([
      expect.objectContaining({ bucket: BUCKETS.inbox, prefix: 'corrections/pending/', suffix: '.json' }),
    ]);
    expect(collect.environment).toMatchObject({
      INBOX_BUCKET: BUCKETS.inbox,
      RAW_BUCKET: BUCKETS.raw,
      FEEDBACK_MIN_CORRECTIONS: String(MIN),
    });
    expect(collect.events.schedule.map((s) => s.expression)).toEqual(['rate(1 day)']);
  });

  it('below the threshold nothing is collected; the correction that reaches it makes one manifest with the right counts', async () => {
    for (const r of first.slice(0, MIN - 1)) await send(r);
    await fns.idle();
    expect(await listKeys(s3, BUCKETS.raw, 'datasets/corrections/')).toEqual([]);
    expect(await listKeys(s3, BUCKETS.inbox, PENDING_CORRECTIONS_PREFIX)).toHaveLength(MIN - 1);

    await send(first[MIN - 1]!);
    await fns.idle();

    const written = await manifests();
    expect(written).toHaveLength(1);
    firstManifest = written[0]!;
    const manifest = await readManifest(firstManifest);
    const plan = buildCorrectionsDataset([], first);
    if (!plan.ready) throw new Error(plan.reason);
    expect(manifest.version).toBe(plan.dataset.version);
    expect([manifest.splits.train.rows, manifest.splits.test.rows]).toEqual([9, 3]);
    expect(manifest.splits.train.classCounts.map((n, d) => n + manifest.splits.test.classCounts[d]!)).toEqual(
      classCounts(first),
    );
    expect(await listKeys(s3, BUCKETS.raw, 'datasets/corrections/')).toEqual([
      'datasets/corrections/t10k-images-idx3-ubyte',
      'datasets/corrections/t10k-labels-idx1-ubyte',
      'datasets/corrections/train-images-idx3-ubyte',
      'datasets/corrections/train-labels-idx1-ubyte',
    ]);
    expect(await listKeys(s3, BUCKETS.inbox, PENDING_CORRECTIONS_PREFIX)).toEqual([]);
    expect(await listKeys(s3, BUCKETS.inbox, LEARNED_CORRECTIONS_PREFIX)).toHaveLength(MIN);
    expect(await fns.failedEvents.summary()).toMatchObject({ total: 0 });
  });

  it('after a crash between writing the dataset and moving (all of it pending again), the re-run makes no second manifest', async () => {
    for (const r of first)
      await s3.send(
        new CopyObjectCommand({
          Bucket: BUCKETS.inbox,
          Key: pendingCorrectionKey(r.id),
          CopySource: `${BUCKETS.inbox}/${LEARNED_CORRECTIONS_PREFIX}${r.id}.json`,
        }),
      );
    await fns.idle();
    expect(await listKeys(s3, BUCKETS.inbox, PENDING_CORRECTIONS_PREFIX)).toEqual([]);
    expect(await manifests()).toEqual([firstManifest]);
    // It did run again (the function's metric), and preprocess found the version it wrote already processed.
    expect(logs.filter((l) => l.includes(`"CorrectionsLearned":${MIN}`))).toHaveLength(2);
  });

  it('by hand, with nothing pending, does nothing; with one new held-out pending, collects it into a new version judged on it alone', async () => {
    expect(await fns.invoke('collectCorrections', {})).toMatchObject({ status: 'nothing-pending', pending: 0 });
    const [more] = correctionsWith(0, 1, 5000);
    await send(more!);
    await fns.idle();
    expect(await manifests()).toEqual([firstManifest]); // 1 pending < 12
    expect(await fns.invoke('collectCorrections', {})).toMatchObject({
      status: 'collected',
      learned: 1,
      train: 9,
      test: 1,
    });
    await fns.idle();
    const all = await manifests();
    expect(all).toHaveLength(2);
    const second = await readManifest(all.find((k) => k !== firstManifest)!);
    expect([second.splits.train.rows, second.splits.test.rows]).toEqual([9, 1]);
  });

  it('refuses a user upload under the reserved dataset name: quarantined with its reason, the dataset untouched', async () => {
    const before = await listKeys(s3, BUCKETS.raw, 'datasets/corrections/');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.inbox,
        Key: 'inbox/corrections/train-labels-idx1-ubyte',
        Body: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 7]),
      }),
    );
    await fns.idle();
    const reason = await s3.send(
      new GetObjectCommand({
        Bucket: BUCKETS.inbox,
        Key: 'quarantine/corrections/train-labels-idx1-ubyte.rejected.json',
      }),
    );
    expect(JSON.parse(await reason.Body!.transformToString())).toMatchObject({ code: 'RESERVED_DATASET' });
    expect(await listKeys(s3, BUCKETS.raw, 'datasets/corrections/')).toEqual(before);
    expect(await manifests()).toHaveLength(2);
  });
});
