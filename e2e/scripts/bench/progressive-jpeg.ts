/**
 * Progressive JPEGs (what many cameras and web tools write), encoded with MozJPEG compiled to
 * wasm (@jsquash/jpeg, a devDependency): jpeg-js only writes baseline ones.
 */
import { readFileSync } from 'node:fs';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

export async function progressiveJpegEncoder(): Promise<(image: Rgba, quality?: number) => Promise<Buffer>> {
  const { default: encode, init } = await import('@jsquash/jpeg/encode.js');
  const wasm = readFileSync(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'));
  await init(await WebAssembly.compile(wasm));
  return async ({ width, height, data }, quality = 75) => {
    const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
    const out = await encode({ width, height, data: pixels, colorSpace: 'srgb' } as ImageData, {
      quality,
      progressive: true,
      baseline: false,
    });
    return Buffer.from(out);
  };
}
