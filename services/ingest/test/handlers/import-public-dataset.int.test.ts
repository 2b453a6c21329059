import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import {
  MNIST_FILES,
  PUBLIC_DATASET,
  REFERENCE_POINTER_KEY,
  parseReferenceManifest,
  parseReferencePointer,
  rawKey,
  referenceManifestKey,
} from '@digits/common';
import { gzippedMnistFiles, mnistHead, seedPublicDataset, setProcessEnv as setEnv } from '@digits/test-kit';
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
      PROCESSED_BUCKET: BUCKETS.processed,
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
    await expect(invoke({ replaceReference: '' })).rejects.toThrow(/"replaceReference" must say why/);
    expect(await listKeys(fx.s3, BUCKETS.raw)).toEqual([]);
    expect(await listKeys(fx.s3, BUCKETS.processed)).toEqual([]);
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

  it('stores the MNIST test set as the stage reference set: CSV shards, its manifest, then the pointer', async () => {
    const pointerText = (await getBytes(fx.s3, BUCKETS.processed, REFERENCE_POINTER_KEY)).toString();
    const pointer = parseReferencePointer(pointerText);
    const manifest = parseReferenceManifest(
      (await getBytes(fx.s3, BUCKETS.processed, referenceManifestKey(pointer.version))).toString(),
    );

    expect(pointer.reason).toMatch(/first import/);
    expect(manifest).toMatchObject({ version: pointer.version, name: 'mnist-t10k', rows: 10_000 });
    expect(manifest.classCounts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(manifest.source.images).toBe(
      `s3://${PUBLIC_DATASET.bucket}/${PUBLIC_DATASET.prefix}${MNIST_FILES.test.images}`,
    );
    const keys = await listKeys(fx.s3, BUCKETS.processed, `_reference/${pointer.version}/`);
    expect(keys).toEqual([...manifest.shards.map((sh) => sh.key), referenceManifestKey(pointer.version)].sort());
    const first = (await getBytes(fx.s3, BUCKETS.processed, manifest.shards[0]!.key)).toString();
    expect(first.split('\n')[0]!.split(',')[0]).toBe('7'); // the first MNIST test image is a 7
    expect(first.split('\n')[0]!.split(',')).toHaveLength(785);
  });

  it('copies nothing on a re-run: every file is already there unchanged', async () => {
    const before = await fx.s3.send(
      new HeadObjectCommand({ Bucket: BUCKETS.raw, Key: rawKey('mnist', MNIST_FILES.test.images) }),
    );
    const pointer = await getBytes(fx.s3, BUCKETS.processed, REFERENCE_POINTER_KEY);
    const summary = await invoke(undefined);
    expect(summary.copied).toEqual([]);
    expect(summary.skipped).toHaveLength(4);
    expect(summary.reference).toMatchObject({ action: 'kept' });
    expect(await getBytes(fx.s3, BUCKETS.processed, REFERENCE_POINTER_KEY)).toEqual(pointer);
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

  it('changes the reference set only when asked, with a reason, and records the previous version', async () => {
    const before = parseReferencePointer((await getBytes(fx.s3, BUCKETS.processed, REFERENCE_POINTER_KEY)).toString());
    // A source whose test split is the first 5,000 MNIST test images.
    for (const { name, body } of publicFiles) {
      const half = name === MNIST_FILES.test.images ? gzipSync(await mnistHead('test', 'images', 5000)) : undefined;
      const labels = name === MNIST_FILES.test.labels ? gzipSync(await mnistHead('test', 'labels', 5000)) : undefined;
      await fx.s3.send(
        new PutObjectCommand({ Bucket: BUCKETS.public, Key: `half/${name}`, Body: half ?? labels ?? body }),
      );
    }
    const kept = await invoke({ prefix: 'half/' });
    expect(kept.reference).toMatchObject({ action: 'kept', version: before.version });

    const replaced = await invoke({ prefix: 'half/', replaceReference: 'judge on the first 5,000 test images' });

    const after = parseReferencePointer((await getBytes(fx.s3, BUCKETS.processed, REFERENCE_POINTER_KEY)).toString());
    expect(replaced.reference).toMatchObject({ action: 'replaced', version: after.version, previous: before.version });
    expect(after).toMatchObject({ reason: 'judge on the first 5,000 test images', previous: before.version });
    expect(after.version).not.toBe(before.version);
    const manifest = parseReferenceManifest(
      (await getBytes(fx.s3, BUCKETS.processed, referenceManifestKey(after.version))).toString(),
    );
    expect(manifest.rows).toBe(5000);
    // The old version stays stored: models scored on it can still be explained.
    expect(await listKeys(fx.s3, BUCKETS.processed, `_reference/${before.version}/`)).toHaveLength(3);
  });
});
