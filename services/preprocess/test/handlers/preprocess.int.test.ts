/**
 * The preprocess Lambda against a real S3 server (s3rver on 127.0.0.1): AWS-shaped events in,
 * CSV shards + manifest (or an error record) out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  IDX_SET_META,
  MNIST_FILES,
  createLogger,
  createS3Client,
  parseManifest,
  parseImageStatistics,
  rawKey,
  type IdxKind,
  type S3Event,
  type Split,
} from '@digits/common';
import type { ItemFailure } from '@digits/lambda-kit';
import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { idxHead, readMnistIdx, s3Event, startLocalS3, useLocalAwsEnv, type LocalS3 } from '@digits/test-kit';
import type { handler as Handler } from '../../src/handlers/preprocess';
import type { OutcomeSummary } from '../../src/invocations';
import { preprocessDataset } from '../../src/preprocess-dataset';

const RAW = 'digits-test-raw';
const PROCESSED = 'digits-test-processed';

let s3server: LocalS3;
let directory: string;
let s3: S3Client;
let restoreEnv: () => void;
let handler: (event: S3Event) => Promise<{ outcomes: OutcomeSummary[]; failed: ItemFailure[] }>;
const plain: Record<Split, Record<IdxKind, Buffer>> = {} as never;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'preprocess-int-'));
  s3server = await startLocalS3({ directory, buckets: [RAW, PROCESSED] });
  restoreEnv = useLocalAwsEnv({ s3: s3server.endpoint });
  Object.assign(process.env, { RAW_BUCKET: RAW, PROCESSED_BUCKET: PROCESSED, SHARD_ROWS: '10000', LOG_LEVEL: 'info' });
  s3 = createS3Client();
  // The function reads its config when it loads, as on Lambda: import it once the env is set.
  const loaded: typeof Handler = (await import('../../src/handlers/preprocess')).handler;
  handler = async (event) => {
    const result = await loaded(event, lambdaContext('preprocess'));
    if (!('outcomes' in result)) throw new Error(`permanent failure: ${result.failed.message}`);
    return result;
  };
  for (const split of ['train', 'test'] as const) {
    plain[split] = { images: await readMnistIdx(split, 'images'), labels: await readMnistIdx(split, 'labels') };
  }
});

afterAll(async () => {
  s3.destroy();
  await s3server.close();
  restoreEnv();
  await rm(directory, { recursive: true, force: true });
});

let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

const put = (key: string, body: Buffer) => s3.send(new PutObjectCommand({ Bucket: RAW, Key: key, Body: body }));
const getText = async (bucket: string, key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
const listKeys = async (bucket: string, prefix: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

/** Small real-MNIST dataset: `train`/`test` images+labels cut to the given counts, gzipped. */
function smallDataset(trainCount = 300, testCount = 120): Record<string, Buffer> {
  return {
    [MNIST_FILES.train.images]: gzipSync(idxHead(plain.train.images, trainCount)),
    [MNIST_FILES.train.labels]: gzipSync(idxHead(plain.train.labels, trainCount)),
    [MNIST_FILES.test.images]: gzipSync(idxHead(plain.test.images, testCount)),
    [MNIST_FILES.test.labels]: gzipSync(idxHead(plain.test.labels, testCount)),
  };
}

async function uploadDataset(dataset: string, files: Record<string, Buffer>): Promise<string[]> {
  const keys = Object.keys(files).map((file) => rawKey(dataset, file));
  await Promise.all(Object.entries(files).map(([file, body]) => put(rawKey(dataset, file), body)));
  return keys;
}

function countLabels(labelsIdx: Buffer): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labelsIdx.subarray(8)) counts[label]!++;
  return counts;
}

describe('preprocess handler', () => {
  it('turns the full MNIST, arriving out of order, into 60,000 + 10,000 CSV rows and a manifest', async () => {
    const dataset = 'mnist full';
    const gz = (split: Split, kind: IdxKind) => gzipSync(plain[split][kind], { level: 1 });

    // Labels first: nothing to do yet, and the log says what it waits for.
    await put(rawKey(dataset, MNIST_FILES.train.labels), gz('train', 'labels'));
    const early = await handler(s3Event(RAW, [rawKey(dataset, MNIST_FILES.train.labels)]));
    expect(early.outcomes).toEqual([
      {
        status: 'waiting',
        dataset,
        missing: [MNIST_FILES.train.images, MNIST_FILES.test.images, MNIST_FILES.test.labels],
      },
    ]);
    expect(capture.lines().map((l) => l.message)).toContain(`waiting for ${MNIST_FILES.train.images}`);
    expect(await listKeys(PROCESSED, `${dataset}/`)).toEqual([]);

    // The big file goes up as a streamed multipart upload, the way a client uploads large files.
    await new Upload({
      client: s3,
      params: {
        Bucket: RAW,
        Key: rawKey(dataset, MNIST_FILES.train.images),
        Body: Readable.from(chunks(gz('train', 'images'), 1 << 20)),
      },
      partSize: 5 * 1024 * 1024,
    }).done();
    await put(rawKey(dataset, MNIST_FILES.test.images), gz('test', 'images'));
    await put(rawKey(dataset, MNIST_FILES.test.labels), gz('test', 'labels'));

    const result = await handler(s3Event(RAW, [rawKey(dataset, MNIST_FILES.test.labels)]));
    expect(result.outcomes[0]).toMatchObject({ status: 'written', dataset });
    const { manifestKey } = result.outcomes[0] as { manifestKey: string };
    expect(manifestKey).toMatch(/^mnist full\/v-[0-9a-f]{16}\/manifest\.json$/);

    const manifest = parseManifest(await getText(PROCESSED, manifestKey));
    expect(manifest).toMatchObject({ dataset, bucket: PROCESSED, format: { contentType: 'text/csv', header: false } });
    expect(manifest.splits.train.rows).toBe(60_000);
    expect(manifest.splits.test.rows).toBe(10_000);
    expect(manifest.splits.train.classCounts).toEqual(countLabels(plain.train.labels));
    expect(manifest.splits.test.classCounts).toEqual(countLabels(plain.test.labels));
    expect(manifest.splits.train.shards.map((s) => s.rows)).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(manifest.splits.test.shards).toHaveLength(1);
    const trainImages = manifest.splits.train.sources.images;
    expect(trainImages).toMatchObject({ bucket: RAW, key: rawKey(dataset, MNIST_FILES.train.images) });
    expect(trainImages.sha256).toBe(createHash('sha256').update(gz('train', 'images')).digest('hex'));

    // Every listed shard is there with the size the manifest says, and nothing else is.
    const version = manifest.version;
    const listed = [...manifest.splits.train.shards, ...manifest.splits.test.shards];
    const stored = (await s3.send(new ListObjectsV2Command({ Bucket: PROCESSED, Prefix: `${dataset}/${version}/` })))
      .Contents!;
    const statisticsKey = `${dataset}/${version}/statistics.json`;
    expect(stored.map((o) => o.Key).sort()).toEqual([...listed.map((s) => s.key), manifestKey, statisticsKey].sort());
    // The training split's image statistics beside the manifest, for model monitoring.
    const statistics = parseImageStatistics(await getText(PROCESSED, statisticsKey), statisticsKey);
    expect(statistics.count).toBe(60_000);
    expect(statistics.labels).toEqual(manifest.splits.train.classCounts);
    for (const shard of listed) expect(stored.find((o) => o.Key === shard.key)!.Size).toBe(shard.bytes);

    // The last train shard holds rows 50,000–59,999: label first, then the 784 pixels, no header.
    const csv = await getText(PROCESSED, manifest.splits.train.shards[5]!.key);
    const lines = csv.split('\n');
    expect(lines).toHaveLength(10_001);
    expect(lines[10_000]).toBe('');
    for (const row of [0, 1234, 9999]) {
      const image = 50_000 + row;
      const fields = lines[row]!.split(',');
      expect(fields).toHaveLength(785);
      expect(Number(fields[0])).toBe(plain.train.labels[8 + image]);
      expect(fields.slice(1).map(Number)).toEqual([
        ...plain.train.images.subarray(16 + image * 784, 16 + (image + 1) * 784),
      ]);
    }

    // The same event again (at-least-once delivery) finds the version done and changes nothing.
    const again = await handler(s3Event(RAW, [rawKey(dataset, MNIST_FILES.train.images)]));
    expect(again.outcomes[0]).toMatchObject({ status: 'exists', version });
    expect(parseManifest(await getText(PROCESSED, manifestKey)).createdAt).toBe(manifest.createdAt);
  }, 120_000);

  it('converges racing and duplicated events on one complete version', async () => {
    const dataset = 'race';
    const keys = await uploadDataset(dataset, smallDataset());
    const event = s3Event(RAW, keys); // one delivery naming all four files
    const results = await Promise.all([handler(event), handler(event), handler(s3Event(RAW, [keys[0]!]))]);
    const versions = new Set(results.map((r) => (r.outcomes[0] as { version: string }).version));
    expect(versions.size).toBe(1);
    expect(results.every((r) => r.outcomes.length === 1 && ['written', 'exists'].includes(r.outcomes[0]!.status))).toBe(
      true,
    );

    const stored = await listKeys(PROCESSED, `${dataset}/`);
    const manifests = stored.filter((k) => k.endsWith('manifest.json'));
    expect(manifests).toHaveLength(1);
    const manifest = parseManifest(await getText(PROCESSED, manifests[0]!));
    expect(manifest.splits.train.rows).toBe(300);
    expect(manifest.splits.test.rows).toBe(120);
    expect(stored.sort()).toEqual(
      [...manifest.splits.train.shards, ...manifest.splits.test.shards]
        .map((s) => s.key)
        .concat(manifests, [`${manifest.dataset}/${manifest.version}/statistics.json`])
        .sort(),
    );
  }, 60_000);

  it('makes a new version when a file changes, and prefers the newest of two candidates', async () => {
    const dataset = 'changing';
    const files = smallDataset(200, 50);
    const keys = await uploadDataset(dataset, files);
    const first = (await handler(s3Event(RAW, keys))).outcomes[0] as { version: string };
    // An uncompressed upload of different test labels beside the .gz: the newer one wins.
    await new Promise((r) => setTimeout(r, 1100)); // S3 LastModified has one-second resolution
    const newerLabels = idxHead(plain.test.labels, 50);
    newerLabels[8] = (newerLabels[8]! + 1) % 10;
    await put(rawKey(dataset, 't10k-labels-idx1-ubyte'), newerLabels);
    const second = await handler(s3Event(RAW, [rawKey(dataset, 't10k-labels-idx1-ubyte')]));
    const outcome = second.outcomes[0] as { status: string; version: string; manifestKey: string };
    expect(outcome.status).toBe('written');
    expect(outcome.version).not.toBe(first.version);
    const manifest = parseManifest(await getText(PROCESSED, outcome.manifestKey));
    expect(manifest.splits.test.sources.labels.key).toBe(rawKey(dataset, 't10k-labels-idx1-ubyte'));
  }, 60_000);

  it('waits while a set of files written together is half replaced, and never processes the mix', async () => {
    const dataset = 'written as a set';
    const putTagged = (file: string, body: Buffer, set: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: RAW,
          Key: rawKey(dataset, file),
          Body: body,
          Metadata: { [IDX_SET_META]: set },
        }),
      );
    const first = smallDataset(200, 50);
    for (const [file, body] of Object.entries(first)) await putTagged(file, body, 'set-1');
    const done = (await handler(s3Event(RAW, [rawKey(dataset, MNIST_FILES.test.labels)]))).outcomes[0];
    expect(done).toMatchObject({ status: 'written' });

    // The next set replaces the files one by one: every state in between is waited out.
    const second = smallDataset(210, 60);
    const files = Object.keys(second);
    const outcomes = [];
    for (const file of files) {
      await putTagged(file, second[file]!, 'set-2');
      outcomes.push((await handler(s3Event(RAW, [rawKey(dataset, file)]))).outcomes[0]);
    }
    expect(outcomes.slice(0, -1).map((o) => o?.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(outcomes[0]).toMatchObject({
      missing: [`${files[0]} (set set-2)`, ...files.slice(1).map((f) => `${f} (set set-1)`)],
    });
    const last = outcomes.at(-1) as { status: string; manifestKey: string };
    expect(last.status).toBe('written');
    const manifest = parseManifest(await getText(PROCESSED, last.manifestKey));
    expect([manifest.splits.train.rows, manifest.splits.test.rows]).toEqual([210, 60]);
    expect(await listKeys(PROCESSED, `${dataset}/`)).toHaveLength(2 * 4); // two versions, each 2 shards, statistics, manifest
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([]);
  }, 60_000);

  it('ignores objects outside datasets/<dataset>/<file> and files it does not know', async () => {
    const result = await handler(s3Event(RAW, ['errors/x/i-1.json', 'datasets/loose-file.gz']));
    expect(result.outcomes).toEqual([]);
    await put(rawKey('notes', 'README.txt'), Buffer.from('hello'));
    const waiting = await handler(s3Event(RAW, [rawKey('notes', 'README.txt')]));
    expect(waiting.outcomes[0]).toMatchObject({
      status: 'waiting',
      missing: expect.arrayContaining([MNIST_FILES.train.images]),
    });
  });

  it('lets storage failures throw (so Lambda retries) instead of blaming the input', async () => {
    const dataset = 'storage trouble';
    await uploadDataset(dataset, smallDataset(20, 10));
    const deps = { s3, config: { processedBucket: 'no-such-bucket', shardRows: 10 }, log: createLogger('test') };
    await expect(preprocessDataset(deps, RAW, dataset)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(await listKeys(RAW, `errors/${dataset}/`)).toEqual([]);
  });

  describe('rejects bad input with a reason, and writes nothing to processed', () => {
    const cases: Array<{
      name: string;
      file: string;
      code: string;
      reason: RegExp;
      change: (files: Record<string, Buffer>) => void;
    }> = [
      {
        name: 'a truncated gz',
        file: MNIST_FILES.train.images,
        code: 'TRUNCATED',
        reason: /gzip data ends early/,
        change: (f) => {
          const gz = f[MNIST_FILES.train.images]!;
          f[MNIST_FILES.train.images] = gz.subarray(0, gz.length - 100);
        },
      },
      {
        name: 'a wrong magic number',
        file: MNIST_FILES.test.images,
        code: 'BAD_MAGIC',
        reason: /magic 0x00000804 is neither images/,
        change: (f) => {
          const idx = idxHead(plain.test.images, 120);
          idx[3] = 4;
          f[MNIST_FILES.test.images] = gzipSync(idx);
        },
      },
      {
        name: 'an image/label count mismatch',
        file: MNIST_FILES.train.labels,
        code: 'COUNT_MISMATCH',
        reason: /train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz do not match: 300 images but 299 labels/,
        change: (f) => {
          f[MNIST_FILES.train.labels] = gzipSync(idxHead(plain.train.labels, 299));
        },
      },
      {
        name: 'a label above 9',
        file: MNIST_FILES.test.labels,
        code: 'BAD_LABEL',
        reason: /label 12 at index 7 is outside 0–9/,
        change: (f) => {
          const idx = idxHead(plain.test.labels, 120);
          idx[8 + 7] = 12;
          f[MNIST_FILES.test.labels] = gzipSync(idx);
        },
      },
      {
        name: 'a 0-byte file',
        file: MNIST_FILES.test.labels,
        code: 'EMPTY',
        reason: /file is empty/,
        change: (f) => {
          f[MNIST_FILES.test.labels] = Buffer.alloc(0);
        },
      },
    ];

    it.each(cases)(
      '$name',
      async ({ name, file, code, reason, change }) => {
        const dataset = `bad ${name.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 60);
        const files = smallDataset();
        change(files);
        const keys = await uploadDataset(dataset, files);

        const result = await handler(s3Event(RAW, keys));
        expect(result.outcomes).toEqual([
          { status: 'rejected', dataset, errorKey: expect.stringMatching(/^errors\//), file, code },
        ]);

        const { errorKey } = result.outcomes[0] as { errorKey: string };
        expect(errorKey.startsWith(`errors/${dataset}/`)).toBe(true);
        const record = JSON.parse(await getText(RAW, errorKey));
        expect(record).toMatchObject({ dataset, file, key: rawKey(dataset, file), code, time: expect.any(String) });
        expect(record.reason).toMatch(reason);
        const logLine = capture.lines().find((l) => l.level === 'ERROR')!;
        expect(logLine).toMatchObject({ file, code });
        expect(logLine.message).toMatch(reason);
        expect(logLine.message).toContain(file);

        expect(await listKeys(PROCESSED, `${dataset}/`)).toEqual([]);
        // Redelivery rewrites the same record rather than adding one.
        await handler(s3Event(RAW, keys));
        expect(await listKeys(RAW, `errors/${dataset}/`)).toEqual([errorKey]);
      },
      60_000,
    );
  });
});

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, o + size);
}
