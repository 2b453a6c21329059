import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MNIST_FILES, PUBLIC_DATASET, rawKey } from '@digits/common';
import { gzippedMnistFiles, seedPublicDataset, setProcessEnv as setEnv } from '@digits/test-kit';
import { lambdaContext } from '@digits/lambda-kit/testing';
import type { ImportSummary } from '../../src/import-public-dataset';
import { BUCKETS, getBytes, listKeys, startS3Fixture, type LocalS3Fixture } from '../s3-buckets';

jest.setTimeout(120_000);

describe('importPublicDataset against a real local S3', () => {
  let fx: LocalS3Fixture;
  let restoreEnv: () => void;
  let publicFiles: Array<{ name: string; body: Buffer }>;
  let invoke: (input: unknown) => Promise<ImportSummary>;

  beforeAll(async () => {
    fx = await startS3Fixture();
    restoreEnv = setEnv({
      RAW_BUCKET: BUCKETS.raw,
      PUBLIC_DATASET_BUCKET: PUBLIC_DATASET.bucket,
      PUBLIC_DATASET_PREFIX: PUBLIC_DATASET.prefix,
    });
    // The function reads its config when it loads, as on Lambda: import it once the env is set.
    const { handler } = await import('../../src/handlers/import-public-dataset');
    invoke = (input) => handler(input, lambdaContext('importPublicDataset'));
    publicFiles = await gzippedMnistFiles();
    await seedPublicDataset(fx.s3);
  });
  afterAll(async () => {
    restoreEnv();
    await fx.stop();
  });

  it('copies nothing when the source lacks one of the four files, and names it', async () => {
    for (const { name, body } of publicFiles.filter((f) => f.name !== MNIST_FILES.test.labels)) {
      await fx.s3.send(new PutObjectCommand({ Bucket: BUCKETS.public, Key: `partial/${name}`, Body: body }));
    }
    await expect(invoke({ prefix: 'partial' })).rejects.toThrow(
      `public dataset incomplete, nothing copied: missing s3://${BUCKETS.public}/partial/${MNIST_FILES.test.labels}`,
    );
    expect(await listKeys(fx.s3, BUCKETS.raw)).toEqual([]);
  });

  it('refuses malformed input before touching S3', async () => {
    await expect(invoke({ bucket: 'Not A Bucket' })).rejects.toThrow(/"bucket" must be an S3 bucket name/);
    expect(await listKeys(fx.s3, BUCKETS.raw)).toEqual([]);
  });

  it('copies the four public files into raw datasets/mnist/, byte for byte', async () => {
    const summary = await invoke({});

    const expected = publicFiles.map((f) => rawKey('mnist', f.name));
    expect(summary.copied.sort()).toEqual([...expected].sort());
    expect(summary.skipped).toEqual([]);
    expect(await listKeys(fx.s3, BUCKETS.raw)).toEqual([...expected].sort());
    for (const { name } of publicFiles) {
      const [raw, pub] = await Promise.all([
        getBytes(fx.s3, BUCKETS.raw, rawKey('mnist', name)),
        getBytes(fx.s3, BUCKETS.public, `${PUBLIC_DATASET.prefix}${name}`),
      ]);
      expect(raw.equals(pub)).toBe(true);
    }
    const head = await fx.s3.send(
      new HeadObjectCommand({ Bucket: BUCKETS.raw, Key: rawKey('mnist', MNIST_FILES.train.images) }),
    );
    expect(head.Metadata?.['source-key']).toBe(
      `${PUBLIC_DATASET.bucket}/${PUBLIC_DATASET.prefix}${MNIST_FILES.train.images}`,
    );
  });

  it('copies nothing on a re-run: every file is already there unchanged', async () => {
    const before = await fx.s3.send(
      new HeadObjectCommand({ Bucket: BUCKETS.raw, Key: rawKey('mnist', MNIST_FILES.test.images) }),
    );
    const summary = await invoke(undefined);
    expect(summary.copied).toEqual([]);
    expect(summary.skipped).toHaveLength(4);
    const after = await fx.s3.send(
      new HeadObjectCommand({ Bucket: BUCKETS.raw, Key: rawKey('mnist', MNIST_FILES.test.images) }),
    );
    expect(after.LastModified).toEqual(before.LastModified);
  });

  it('copies only the file whose source changed', async () => {
    // A mirror with the same four names, one of them holding different bytes.
    for (const { name, body } of publicFiles) {
      const changed =
        name === MNIST_FILES.test.labels
          ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body.at(-1)! ^ 1])])
          : body;
      await fx.s3.send(new PutObjectCommand({ Bucket: BUCKETS.public, Key: `mirror/${name}`, Body: changed }));
    }
    const summary = await invoke({ bucket: BUCKETS.public, prefix: 'mirror/' });
    expect(summary.copied).toEqual([rawKey('mnist', MNIST_FILES.test.labels)]);
    expect(summary.skipped).toHaveLength(3);
  });
});
