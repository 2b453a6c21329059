import { Readable } from 'node:stream';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MNIST_FILES, quarantineKeys, rawKey, type S3Event } from '@digits/common';
import { lambdaContext } from '@digits/lambda-kit/testing';
import type { InboxOutcome } from '../../src/process-inbox-upload';
import type { RejectionRecord } from '../../src/rejection';
import { idxImages, idxLabels, readMnistIdx, s3Event, setProcessEnv as setEnv } from '@digits/test-kit';
import { BUCKETS, exists, getBytes, listKeys, put, startS3Fixture, type LocalS3Fixture } from '../s3-buckets';

jest.setTimeout(120_000);

const DATASET = 'my digits'; // a space: the event key arrives as inbox/my+digits/...

describe('inboxUpload against a real local S3', () => {
  let fx: LocalS3Fixture;
  let restoreEnv: () => void;
  let handle: (event: S3Event) => Promise<InboxOutcome[]>;

  beforeAll(async () => {
    fx = await startS3Fixture();
    restoreEnv = setEnv({ RAW_BUCKET: BUCKETS.raw });
    // The function reads its config when it loads, as on Lambda: import it once the env is set.
    const { handler } = await import('../../src/handlers/inbox-upload');
    handle = async (event) => {
      const result = await handler(event, lambdaContext('inboxUpload'));
      if (!('results' in result)) throw new Error(`permanent failure: ${result.failed.message}`);
      expect(result.failed).toEqual([]);
      return result.results.map((r) => r.result);
    };
  });
  afterAll(async () => {
    restoreEnv();
    await fx.stop();
  });

  const deliver = (key: string, eventName?: string) => handle(s3Event(BUCKETS.inbox, [key], eventName));

  it('accepts a real MNIST file: server-side copy into raw, byte for byte, with its provenance', async () => {
    const key = `inbox/${DATASET}/${MNIST_FILES.test.images}`;
    const body = gzipSync(await readMnistIdx('test', 'images'));
    await put(fx.s3, BUCKETS.inbox, key, body);

    expect(s3Event(BUCKETS.inbox, [key]).Records[0]!.s3.object.key).toBe(`inbox/my+digits/${MNIST_FILES.test.images}`);
    const [outcome] = await deliver(key);

    expect(outcome).toEqual({ status: 'accepted', key, rawKey: rawKey(DATASET, MNIST_FILES.test.images) });
    expect((await getBytes(fx.s3, BUCKETS.raw, `datasets/${DATASET}/${MNIST_FILES.test.images}`)).equals(body)).toBe(
      true,
    );
    const head = await fx.s3.send(
      new HeadObjectCommand({ Bucket: BUCKETS.raw, Key: rawKey(DATASET, MNIST_FILES.test.images) }),
    );
    expect(head.Metadata?.['source-key']).toBe(`${BUCKETS.inbox}/${key}`);
  });

  it('accepts a streamed multipart upload (lib-storage Upload, unknown length) intact, and a repeated event copies nothing', async () => {
    // Unknown length, 5 MB parts: CompleteMultipartUpload, the event a large browser/CLI upload produces.
    const original = await readMnistIdx('train', 'images');
    const key = `inbox/${DATASET}/${MNIST_FILES.train.images}`;
    const upload = new Upload({
      client: fx.s3,
      params: { Bucket: BUCKETS.inbox, Key: key, Body: Readable.from([original]).pipe(createGzip()) },
      partSize: 5 * 1024 * 1024,
    });
    await upload.done();

    const [outcome] = await deliver(key, 'ObjectCreated:CompleteMultipartUpload');
    expect(outcome).toMatchObject({ status: 'accepted', rawKey: rawKey(DATASET, MNIST_FILES.train.images) });
    expect(
      gunzipSync(await getBytes(fx.s3, BUCKETS.raw, rawKey(DATASET, MNIST_FILES.train.images))).equals(original),
    ).toBe(true);

    const [again] = await deliver(key);
    expect(again).toMatchObject({ status: 'unchanged' });
  });

  it('accepts a streamed PutObject intact (the body is not stored with aws-chunked framing)', async () => {
    // A stream body is where s3rver would keep the SDK's checksum framing unless checksums are WHEN_REQUIRED.
    const body = gzipSync(await readMnistIdx('train', 'labels'));
    const key = `inbox/${DATASET}/${MNIST_FILES.train.labels}`;
    await fx.s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.inbox,
        Key: key,
        Body: Readable.from([body]),
        ContentLength: body.length,
      }),
    );

    const [outcome] = await deliver(key);
    expect(outcome).toMatchObject({ status: 'accepted', rawKey: rawKey(DATASET, MNIST_FILES.train.labels) });
    expect((await getBytes(fx.s3, BUCKETS.raw, rawKey(DATASET, MNIST_FILES.train.labels))).equals(body)).toBe(true);
  });

  describe('bad input: each rejected with its reason, moved to quarantine, nothing in raw', () => {
    const mnistLabelsGz = async () => gzipSync(await readMnistIdx('test', 'labels'));

    const cases: Array<[string, string, () => Promise<Buffer>, RejectionRecord['code'], RegExp]> = [
      [
        'a truncated gzip',
        `inbox/${DATASET}/${MNIST_FILES.test.labels}`,
        async () => (await mnistLabelsGz()).subarray(0, 2000),
        'TRUNCATED',
        /gzip data ends early \(unexpected end of file\)/,
      ],
      [
        'a wrong magic number',
        `inbox/${DATASET}/train-labels-idx1-ubyte`,
        async () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
        'BAD_MAGIC',
        /not an IDX file/,
      ],
      ['a 0-byte file', `inbox/${DATASET}/t10k-labels.idx1.gz`, async () => Buffer.alloc(0), 'EMPTY', /0 bytes/],
      [
        'an unrelated file',
        `inbox/${DATASET}/notes.txt`,
        async () => Buffer.from('remember the milk\n'),
        'UNKNOWN_FILE',
        /does not say what it holds/,
      ],
      [
        'a declared count the data does not hold',
        `inbox/${DATASET}/train-labels.idx1`,
        async () => idxLabels([1, 2, 3]).subarray(0, 10),
        'TRUNCATED',
        /declares 3 items \(11 bytes\) but has 10 bytes/,
      ],
      [
        'a key outside inbox/<dataset>/<file>',
        'inbox/stray file.gz',
        async () => Buffer.from('x'),
        'BAD_KEY',
        /is not inbox\/<dataset>\/<file>/,
      ],
    ];

    it.each(cases)('%s', async (_what, key, body, code, reason) => {
      const bytes = await body();
      await put(fx.s3, BUCKETS.inbox, key, bytes);
      const rawBefore = await listKeys(fx.s3, BUCKETS.raw);

      const [outcome] = await deliver(key);

      const where =
        key === 'inbox/stray file.gz'
          ? { object: 'quarantine/stray file.gz', reason: 'quarantine/stray file.gz.rejected.json' }
          : quarantineKeys(DATASET, key.split('/')[2]!);
      expect(outcome).toMatchObject({ status: 'rejected', code, quarantineKey: where.object, reasonKey: where.reason });
      const record = JSON.parse(
        (await getBytes(fx.s3, BUCKETS.inbox, where.reason)).toString('utf8'),
      ) as RejectionRecord;
      expect(record).toMatchObject({ sourceKey: key, code, size: bytes.length });
      expect(record.reason).toMatch(reason);
      expect(Number.isNaN(Date.parse(record.rejectedAt))).toBe(false);
      expect((await getBytes(fx.s3, BUCKETS.inbox, where.object)).equals(bytes)).toBe(true);
      expect(await exists(fx.s3, BUCKETS.inbox, key)).toBe(false);
      expect(await listKeys(fx.s3, BUCKETS.raw)).toEqual(rawBefore);

      // The same event again (S3 delivers at least once) finds nothing left to do.
      expect((await deliver(key))[0]).toEqual({ status: 'gone', key });
    });

    it('a labels file whose count differs from the images already accepted', async () => {
      const images = `inbox/count check/train-images-idx3-ubyte.gz`;
      const labels = `inbox/count check/train-labels-idx1-ubyte.gz`;
      await put(fx.s3, BUCKETS.inbox, images, gzipSync(idxImages(3)));
      expect((await deliver(images))[0]).toMatchObject({ status: 'accepted' });

      await put(fx.s3, BUCKETS.inbox, labels, gzipSync(idxLabels([1, 2, 3, 4])));
      const [outcome] = await deliver(labels);

      expect(outcome).toMatchObject({ status: 'rejected', code: 'COUNT_MISMATCH' });
      const record = JSON.parse(
        (
          await getBytes(fx.s3, BUCKETS.inbox, quarantineKeys('count check', 'train-labels-idx1-ubyte.gz').reason)
        ).toString(),
      );
      expect(record).toMatchObject({
        dataset: 'count check',
        file: 'train-labels-idx1-ubyte.gz',
        code: 'COUNT_MISMATCH',
      });
      expect(record.reason).toMatch(
        /labels file declares 4 items but datasets\/count check\/train-images-idx3-ubyte.gz \(images, already accepted\) declares 3/,
      );
      expect(await listKeys(fx.s3, BUCKETS.raw, 'datasets/count check/')).toEqual([
        'datasets/count check/train-images-idx3-ubyte.gz',
      ]);
    });
  });

  it('handles every record of a multi-record event, and ignores folder markers', async () => {
    await put(fx.s3, BUCKETS.inbox, 'inbox/batch/t10k-labels-idx1-ubyte.gz', gzipSync(idxLabels([7, 8])));
    await put(fx.s3, BUCKETS.inbox, 'inbox/batch/', new Uint8Array(0));
    const outcomes = await handle(s3Event(BUCKETS.inbox, ['inbox/batch/', 'inbox/batch/t10k-labels-idx1-ubyte.gz']));
    expect(outcomes.map((o) => o.status)).toEqual(['ignored', 'accepted']);
  });
});
