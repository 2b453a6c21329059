/**
 * Test helper: a PNG encoder for what pngjs cannot write — every bit depth and colour type,
 * palettes with tRNS, a tRNS colour, Adam7 interlacing and a chosen filter for each row — so the
 * decoder can be checked on every layout a client might send.
 */
import { crc32, deflateSync } from 'node:zlib';
import { ADAM7 } from '../src/png-grey';

export interface RawPng {
  width: number;
  height: number;
  depth: 1 | 2 | 4 | 8 | 16;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colourType: 0 | 2 | 3 | 4 | 6;
  interlaced: boolean;
  /** Samples of each pixel, row-major (channels × width × height values, each < 2^depth). */
  samples: Uint16Array;
  /** RGB triples (colour type 3). */
  palette?: Uint8Array;
  /** The tRNS chunk's bytes, as written. */
  trns?: Uint8Array;
  /** Filter type of each scanline, cycled (0..4). */
  filters: number[];
}

export const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
export const VALID_DEPTHS = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] } as const;

export function encodeRawPng(png: RawPng): Buffer {
  const channels = CHANNELS[png.colourType];
  const bitsPerPixel = channels * png.depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = png.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const scanlines: Buffer[] = [];
  let row = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((png.width - x0) / dx);
    const h = Math.ceil((png.height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    const rb = Math.ceil((w * bitsPerPixel) / 8);
    let prior = Buffer.alloc(rb);
    for (let y = 0; y < h; y++) {
      const raw = Buffer.alloc(rb);
      for (let x = 0; x < w; x++) {
        const pixel = ((y0 + y * dy) * png.width + x0 + x * dx) * channels;
        for (let c = 0; c < channels; c++) {
          const v = png.samples[pixel + c]!;
          const bit = (x * channels + c) * png.depth;
          if (png.depth === 16) raw.writeUInt16BE(v, bit >> 3);
          else if (png.depth === 8) raw[bit >> 3] = v;
          else raw[bit >> 3]! |= v << (8 - png.depth - (bit & 7));
        }
      }
      const filter = png.filters[row++ % png.filters.length]!;
      scanlines.push(Buffer.from([filter]), applyFilter(filter, raw, prior, bpp));
      prior = raw;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(png.width, 0);
  ihdr.writeUInt32BE(png.height, 4);
  ihdr.set([png.depth, png.colourType, 0, 0, png.interlaced ? 1 : 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(png.palette ? [pngChunk('PLTE', png.palette)] : []),
    ...(png.trns ? [pngChunk('tRNS', png.trns)] : []),
    pngChunk('IDAT', deflateSync(Buffer.concat(scanlines))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function applyFilter(filter: number, raw: Buffer, prior: Buffer, bpp: number): Buffer {
  const out = Buffer.alloc(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const a = i >= bpp ? raw[i - bpp]! : 0;
    const b = prior[i]!;
    const c = i >= bpp ? prior[i - bpp]! : 0;
    const p = a + b - c;
    const predictor = [
      0,
      a,
      b,
      (a + b) >> 1,
      Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
        ? a
        : Math.abs(p - b) <= Math.abs(p - c)
          ? b
          : c,
    ][filter]!;
    out[i] = (raw[i]! - predictor) & 255;
  }
  return out;
}

/** A PNG chunk: length, type, data and CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
