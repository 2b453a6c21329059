/**
 * The normaliser as it was before the grey fast path (pngjs to RGBA, then luma, then an ink
 * image the size of the source): kept unchanged as the reference that `pnpm bench:normalise`
 * times against and the tests compare with. Not exported from the package: nothing shipped uses it.
 */
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { decodeJpeg, detectFormat, readDimensions, type ImageFormat } from './decode';
import { borderMedian, boxAndCentre, type NormalisedDigit } from './digit';
import { DigitInputError } from './errors';
import { INK_FLOOR, MIN_INK_CONTRAST } from './limits';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major RGBA. */
  rgba: Uint8Array;
}

export function normaliseImageReference(bytes: Uint8Array): NormalisedDigit {
  const image = decodeImage(bytes);
  const { gray, inverted } = inkImage(image);
  return { pixels: centreDigit(gray, image.width, image.height), width: image.width, height: image.height, inverted };
}

export function decodeImage(bytes: Uint8Array): RgbaImage & { format: ImageFormat } {
  const format = detectFormat(bytes);
  const { width, height } = readDimensions(bytes, format);
  if (format === 'jpeg') return { format, ...decodeJpeg(bytes) };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (bytes[28] === 1) checkInterlacedPngSize(buffer, width, height);
    const png = PNG.sync.read(buffer);
    return { format, width: png.width, height: png.height, rgba: png.data };
  } catch (e) {
    if (e instanceof DigitInputError) throw e;
    throw new DigitInputError('UNDECODABLE', `PNG could not be decoded: ${(e as Error).message}`);
  }
}
/**
 * Grayscale 0..1 with the ink bright. Transparent pixels are composited over the colour that
 * contrasts with the opaque content, so black ink on a transparent canvas reads as ink.
 */
export function inkImage({ width, height, rgba }: RgbaImage): { gray: Float32Array; inverted: boolean } {
  const n = width * height;
  const gray = new Float32Array(n);
  let opaque = 0;
  let opaqueLuma = 0;
  let translucent = false;
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3]! / 255;
    const luma = (0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!) / 255;
    gray[i] = luma;
    if (a < 1) translucent = true;
    opaque += a;
    opaqueLuma += a * luma;
  }
  if (opaque === 0) throw new DigitInputError('EMPTY', 'the image is fully transparent: no ink found');
  if (translucent) {
    const backdrop = opaqueLuma / opaque < 0.5 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const a = rgba[i * 4 + 3]! / 255;
      gray[i] = a * gray[i]! + (1 - a) * backdrop;
    }
  }
  // The background is what the border mostly shows; MNIST wants it dark.
  const inverted = borderMedian(gray, width, height) > 0.5;
  if (inverted) for (let i = 0; i < n; i++) gray[i] = 1 - gray[i]!;
  return { gray, inverted };
}

/** Stretch ink to 0..1 over the background, crop to it, scale to 20 px and centre by mass in 28×28. */
export function centreDigit(gray: Float32Array, width: number, height: number): Float32Array {
  const background = borderMedian(gray, width, height);
  let peak = 0;
  for (let i = 0; i < gray.length; i++) if (gray[i]! > peak) peak = gray[i]!;
  const contrast = peak - background;
  if (contrast < MIN_INK_CONTRAST) {
    throw new DigitInputError(
      'EMPTY',
      `no ink found: the image is blank (contrast ${contrast.toFixed(3)} < ${MIN_INK_CONTRAST})`,
    );
  }
  const floor = background + INK_FLOOR * contrast;
  const span = peak - floor;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  const ink = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (gray[y * width + x]! - floor) / span;
      if (v <= 0) continue;
      ink[y * width + x] = Math.min(1, v);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  const crop = new Float32Array(cropW * cropH);
  for (let y = 0; y < cropH; y++)
    crop.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + cropW), y * cropW);

  return boxAndCentre(crop, cropW, cropH);
}

/**
 * pngjs bounds the inflated size of non-interlaced images but inflates interlaced ones without a
 * limit; check those first so a small compressed body cannot expand into gigabytes.
 */
function checkInterlacedPngSize(buffer: Buffer, width: number, height: number): void {
  const idat: Buffer[] = [];
  for (let i = 8; i + 8 <= buffer.length;) {
    const length = buffer.readUInt32BE(i);
    if (buffer.toString('latin1', i + 4, i + 8) === 'IDAT') idat.push(buffer.subarray(i + 8, i + 8 + length));
    i += 12 + length;
  }
  // Upper bound: 16-bit RGBA (8 bytes a pixel) plus a filter byte per row of each of the 7 passes.
  const limit = width * height * 8 + 7 * (height + 1);
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: limit });
  } catch (e) {
    throw new DigitInputError(
      'UNDECODABLE',
      `PNG image data does not inflate to a ${width}×${height} image: ${(e as Error).message}`,
    );
  }
}
