/**
 * PNGs built chunk by chunk, for the requests a hostile or careless client sends: any size, bit
 * depth, colour type and interlacing, with rows the caller chooses (a bomb is one that deflates well).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples a pixel per PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
}

export interface PngSpec {
  width: number;
  height: number;
  bitDepth?: 8 | 16;
  colorType?: 0 | 2 | 4 | 6;
  interlace?: boolean;
  /** Raw scanlines (each a filter byte, then the samples); default: white with one dark line across the middle. */
  raw?: Buffer;
}

/** Bytes of one non-interlaced scanline set (an interlaced image's passes together are no larger). */
export function rawSize({ width, height, bitDepth = 8, colorType = 0 }: PngSpec): number {
  return height * (1 + (width * CHANNELS[colorType]! * bitDepth) / 8);
}

/** White (opaque) with a dark horizontal line through the middle half: one stroke of "ink". */
export function oneLine(spec: PngSpec): Buffer {
  const { width, height, bitDepth = 8, colorType = 0 } = spec;
  const bytesPerPixel = (CHANNELS[colorType]! * bitDepth) / 8;
  const row = 1 + width * bytesPerPixel;
  const raw = Buffer.alloc(row * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * row] = 0;
  const alphaBytes = colorType === 4 || colorType === 6 ? bitDepth / 8 : 0;
  const y = Math.floor(height / 2);
  for (let x = Math.floor(width / 4); x < Math.ceil((3 * width) / 4); x++) {
    raw.fill(0, y * row + 1 + x * bytesPerPixel, y * row + 1 + (x + 1) * bytesPerPixel - alphaBytes);
  }
  return raw;
}

export function pngBytes(spec: PngSpec): Buffer {
  const { width, height, bitDepth = 8, colorType = 0, interlace = false } = spec;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, interlace ? 1 : 0], 8);
  const raw = spec.raw ?? oneLine(spec);
  return Buffer.concat([
    SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The request of issue 10, at the largest size the per-image limit now admits: one 2800×2800 PNG
 * with one line of ink (~10 KB: PNG deflates such an image ~700:1; the was 4000×4000)
 * sent `copies` times in `{"instances": [...]}`.
 */
export function manyLargeImagesJson(copies: number): string {
  const image = pngBytes({ width: 2800, height: 2800 }).toString('base64');
  return JSON.stringify({ instances: Array.from({ length: copies }, () => image) });
}
