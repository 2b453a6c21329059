/**
 * PNG/JPEG detection by magic bytes, dimension checks from the header (before any pixel buffer
 * is allocated), a request's decode budget summed from those headers, and decoding to luma and
 * alpha: PNG by png-grey, JPEG with jpeg-js (pure JS: both bundle into a Lambda).
 */
import * as jpeg from 'jpeg-js';
import { DigitInputError } from './errors';
import { FRESH_BUFFERS, greyFromRgba, type GreyBuffers, type GreyImage } from './grey-image';
import { DECODE_COST, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_REQUEST_DECODE_COST } from './limits';
import { decodePngGrey } from './png-grey';

export type ImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Formats recognised only to say clearly that they are not supported. */
const OTHER_FORMATS: Array<{ name: string; test: (b: Uint8Array) => boolean }> = [
  { name: 'GIF', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'WebP', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP' },
  { name: 'BMP', test: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'TIFF', test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
];

export function detectFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new DigitInputError('EMPTY', 'the image is empty (0 bytes)');
  if (PNG_SIGNATURE.every((v, i) => bytes[i] === v)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const other = OTHER_FORMATS.find((f) => f.test(bytes));
  if (other)
    throw new DigitInputError('UNSUPPORTED_MEDIA', `${other.name} images are not supported: send a PNG or JPEG`);
  const head = Array.from(bytes.subarray(0, 4), (v) => v.toString(16).padStart(2, '0')).join(' ');
  throw new DigitInputError('UNDECODABLE', `not a PNG or JPEG image (first bytes ${head})`);
}

/** Width and height as the header declares them, checked against the limits. */
export function readDimensions(
  bytes: Uint8Array,
  format: ImageFormat,
): { width: number; height: number; progressive?: boolean } {
  const dims = format === 'png' ? pngDimensions(bytes) : jpegDimensions(bytes);
  checkDimensions(dims.width, dims.height, format);
  return dims;
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Decode work (DECODE_COST units), from the header's layout and, for JPEG, the compressed size. */
  cost: number;
}

/** What an image's header declares, checked against the per-image limits; nothing is decoded. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = detectFormat(bytes);
  const { width, height, progressive } = readDimensions(bytes, format);
  const pixels = width * height;
  const c = DECODE_COST;
  let cost: number;
  if (format === 'jpeg') {
    cost = progressive
      ? pixels * c.progressiveJpegPixel + bytes.length * c.progressiveJpegByte
      : pixels * c.jpegPixel + bytes.length * c.jpegByte;
  } else {
    // IHDR: bit depth, colour type (bit 4: has an alpha channel; 3: palette), interlace method.
    const depth = bytes[24]!;
    const colourType = bytes[25]!;
    const channels = [1, 0, 3, 1, 2, 0, 4][colourType] ?? 4;
    const mayBeTranslucent = (colourType !== 0 && colourType !== 2) || hasTrnsChunk(bytes);
    const perPixel =
      c.pngPixel + c.pngPixelByte * Math.max(1, (depth * channels) / 8) + (mayBeTranslucent ? c.pngAlpha : 0);
    cost = pixels * perPixel * (bytes[28] === 1 ? c.pngInterlaced : 1);
  }
  return { format, width, height, cost };
}

/**
 * The decode work one request may ask for, charged image by image from their headers before any
 * of them is decoded, so a body of small, highly compressed images cannot buy minutes of CPU.
 */
export class DecodeBudget {
  spent = 0;
  private images = 0;
  constructor(readonly limit = MAX_REQUEST_DECODE_COST) {}

  /** Reads the image's header and charges its cost; TOO_LARGE once the request is over the limit. */
  admit(bytes: Uint8Array): ImageHeader {
    const header = readImageHeader(bytes);
    this.images++;
    this.spent += header.cost;
    if (this.spent > this.limit) {
      throw new DigitInputError(
        'TOO_LARGE',
        `the request's ${this.images} image(s) need ${millions(this.spent)} M units of decoding ` +
          `(about a nanosecond of CPU each; a pixel of this ${header.format.toUpperCase()} costs ` +
          `${Math.round(header.cost / (header.width * header.height))}, of an 8-bit grey PNG ${greyPngPixel}): ` +
          `the limit is ${millions(this.limit)} M a request, read from the image headers before any decoding`,
      );
    }
    return header;
  }
}

const greyPngPixel = DECODE_COST.pngPixel + DECODE_COST.pngPixelByte;

/** Whether a PNG has a tRNS chunk (it comes before the image data): grey and RGB can then be transparent. */
function hasTrnsChunk(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 8; i + 8 <= b.length; i += 12 + view.getUint32(i)) {
    const type = ascii(b, i + 4, 4);
    if (type === 'tRNS') return true;
    if (type === 'IDAT') return false;
  }
  return false;
}

const millions = (units: number): string => String(Number((units / 1e6).toPrecision(4)));

/** An image's luma and alpha (in `buffers`), its size checked against the limits before anything is decoded. */
export function decodeGrey(
  bytes: Uint8Array,
  buffers: GreyBuffers = FRESH_BUFFERS,
): GreyImage & { format: ImageFormat } {
  const format = detectFormat(bytes);
  readDimensions(bytes, format);
  if (format === 'png') return { format, ...decodePngGrey(bytes, buffers) };
  const { width, height, rgba } = decodeJpeg(bytes);
  return { format, ...greyFromRgba(width, height, rgba, buffers) };
}

/** A JPEG as 8-bit RGBA (jpeg-js); call after readDimensions. */
export function decodeJpeg(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  try {
    const img = jpeg.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 256,
    });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw new DigitInputError('UNDECODABLE', `JPEG could not be decoded: ${(e as Error).message}`);
  }
}

function checkDimensions(width: number, height: number, format: ImageFormat): void {
  const what = `${format.toUpperCase()} declares ${width}×${height} pixels`;
  if (width === 0 || height === 0)
    throw new DigitInputError('UNDECODABLE', `${what}: an image needs at least one pixel`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new DigitInputError('TOO_LARGE', `${what}: the limit is ${MAX_IMAGE_SIDE} on either side`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new DigitInputError('TOO_LARGE', `${what}: the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
  }
}

function pngDimensions(b: Uint8Array): { width: number; height: number } {
  // signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4)
  if (b.length < 24) throw new DigitInputError('UNDECODABLE', `PNG is truncated inside its header (${b.length} bytes)`);
  if (ascii(b, 12, 4) !== 'IHDR') throw new DigitInputError('UNDECODABLE', 'PNG does not start with an IHDR chunk');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Walk the JPEG marker segments up to the frame header (SOFn), which holds the size. */
function jpegDimensions(b: Uint8Array): { width: number; height: number; progressive: boolean } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new DigitInputError('UNDECODABLE', `JPEG is corrupt: no marker at byte ${i}`);
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // standalone markers carry no length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) break;
      // SOF2, SOF6, SOF10, SOF14: progressive (the even frame types from SOF2 on).
      const progressive = marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce;
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7), progressive };
    }
    i += 2 + view.getUint16(i + 2);
  }
  throw new DigitInputError('UNDECODABLE', 'JPEG is truncated or corrupt: no frame header (SOF) found');
}

function ascii(b: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...b.subarray(start, start + length));
}
