/**
 * Images for `pnpm bench:normalise` that no test fixture holds: PNGs of any layout at the size
 * limits (cheap to build: all-zero rows with a chosen filter and a band of ink, deflated), and
 * "photos" of a digit (paper with a lighting gradient and grain, dark ink) as baseline JPEG
 * (jpeg-js) or progressive JPEG (MozJPEG in wasm, as cameras and web tools write them).
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { strokeCoverage, strokesOf, type Point } from '@digits/test-kit';
import { ADAM7, CHANNELS } from '../src/png-grey';
import { pngChunk } from '../test/raw-png';

export interface PngLayout {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colourType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  interlaced?: boolean;
  /** Row filter (4, Paeth, costs the most to undo). */
  filter?: number;
}

/** A PNG of `layout` whose every row has filter `filter`: zero bytes but for a band of 0xff in its middle rows. */
export function syntheticPng({ width, height, colourType, depth, interlaced = false, filter = 4 }: PngLayout): Buffer {
  const bits = CHANNELS[colourType]! * depth;
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  const sizes = passes
    .map(([x0, y0, dx, dy]) => [Math.ceil((width - x0!) / dx!), Math.ceil((height - y0!) / dy!)] as const)
    .filter(([w, h]) => w > 0 && h > 0);
  const total = sizes.reduce((s, [w, h]) => s + (Math.ceil((w * bits) / 8) + 1) * h, 0);
  const raw = Buffer.alloc(total);
  let at = 0;
  for (const [w, h] of sizes) {
    const stride = Math.ceil((w * bits) / 8) + 1;
    for (let y = 0; y < h; y++) {
      raw[at + y * stride] = filter;
      // An ink band across the middle of the image, a tenth of its height and width.
      if (Math.abs(y - h / 2) < h / 20)
        raw.fill(0xff, at + y * stride + 1 + Math.floor(stride * 0.45), at + y * stride + Math.floor(stride * 0.55));
    }
    at += stride * h;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colourType, 0, 0, interlaced ? 1 : 0], 8);
  const palette = colourType === 3 ? Buffer.from(Array.from({ length: 256 * 3 }, (_, k) => Math.floor(k / 3))) : null;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(palette ? [pngChunk('PLTE', palette)] : []),
    pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** RGBA of a photographed digit: grey paper lit from one side, film grain, dark ink of `strokes`. */
export function photoRgba(strokes: Point[][], width: number, height: number): Uint8Array {
  const { ink } = strokeCoverage(strokes, width, height);
  const rgba = new Uint8Array(width * height * 4);
  let seed = 12345;
  for (let i = 0; i < width * height; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const grain = ((seed >> 8) % 17) - 8;
    const paper = 170 + 50 * ((i % width) / width) + grain;
    const v = paper * (1 - ink[i]!) + 35 * ink[i]!;
    rgba[i * 4] = v + 6;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v - 10;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

export function baselineJpeg(rgba: Uint8Array, width: number, height: number, quality = 85): Buffer {
  return jpeg.encode({ width, height, data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength) }, quality).data;
}

export async function progressiveJpegEncoder(): Promise<
  (rgba: Uint8Array, width: number, height: number) => Promise<Buffer>
> {
  const { default: encode, init } = await import('@jsquash/jpeg/encode.js');
  await init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'))));
  return async (rgba, width, height) => {
    const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    const out = await encode({ width, height, data, colorSpace: 'srgb' } as ImageData, {
      quality: 85,
      progressive: true,
      baseline: false,
    });
    return Buffer.from(out);
  };
}

export { strokesOf };
