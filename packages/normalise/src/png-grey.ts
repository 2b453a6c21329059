/**
 * A PNG decoded straight to luma and alpha (a GreyImage), without building RGBA: the chunks are
 * walked once, the image data inflated with Node's zlib into a reused buffer of exactly the size the
 * header implies (a zlib bomb stops there), unfiltered in place and read row by row. Every bit
 * depth, colour type, tRNS and Adam7 interlacing is handled, with pngjs's rounding (16-bit and
 * low-depth samples scaled to 8 bits, round half up; a tRNS colour made transparent black), so the
 * result equals what the RGBA path gives to the last bit.
 */
import { DigitInputError } from './errors';
import { inflateExactly } from './inflate';
import { FRESH_BUFFERS, GREY_LUMA, isOpaque, luma as lumaOf, type GreyBuffers, type GreyImage } from './grey-image';

// Module-local bindings: a CommonJS build (tsx, jest) reads imports through getters, once per pixel here.
const greyLuma = GREY_LUMA;
const luma = lumaOf;

const IHDR = 0x49484452;
const PLTE = 0x504c5445;
const TRNS = 0x74524e53;
const IDAT = 0x49444154;
const IEND = 0x49454e44;

/** Samples a pixel holds, by colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
export const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes: [x start, y start, x step, y step]. */
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Format {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  /** Bytes of one pixel, at least 1: the distance the Sub/Avg/Paeth filters look back. */
  bpp: number;
  bitsPerPixel: number;
  /** Palette (colour type 3): luma and alpha of each entry. */
  paletteLuma: Float32Array | null;
  paletteAlpha: Uint8Array | null;
  /** tRNS colour (types 0 and 2), raw sample values: one for grey, three for RGB. */
  transparent: number[] | null;
}

export function decodePngGrey(bytes: Uint8Array, buffers: GreyBuffers = FRESH_BUFFERS): GreyImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { format, data } = readChunks(bytes, view);
  const { width, height } = format;
  const passes = format.interlaced
    ? ADAM7.map(([x0, y0, dx, dy]) => ({
        x0,
        y0,
        dx,
        dy,
        w: Math.ceil((width - x0) / dx),
        h: Math.ceil((height - y0) / dy),
      })).filter((p) => p.w > 0 && p.h > 0)
    : [{ x0: 0, y0: 0, dx: 1, dy: 1, w: width, h: height }];
  const rowBytes = (w: number) => Math.ceil((w * format.bitsPerPixel) / 8);
  const expected = passes.reduce((sum, p) => sum + (rowBytes(p.w) + 1) * p.h, 0);
  const raw = inflate(data, expected, width, height);

  const n = width * height;
  const image: GreyImage = {
    width,
    height,
    luma: buffers.luma(n),
    alpha:
      format.colourType === 4 || format.colourType === 6 || format.paletteAlpha || format.transparent
        ? buffers.alpha(n)
        : null,
  };
  if (passes.length === 1 && format.colourType === 6 && format.depth === 8) {
    // What a browser's canvas gives: its own loop (see rgba8Rows).
    image.rowRepeats = buffers.rows(height);
    if (rgba8Rows(raw, width, height, image.luma, image.alpha!, image.rowRepeats)) image.alpha = null;
    return image;
  }
  let offset = 0;
  for (const pass of passes) {
    const rb = rowBytes(pass.w);
    for (let y = 0; y < pass.h; y++) {
      const start = offset + y * (rb + 1) + 1;
      const target = (pass.y0 + y * pass.dy) * width + pass.x0;
      if (y > 0 && pass.dx === 1 && raw[start - 1] === 2 && isZero(raw, start, rb)) {
        // "Up" with nothing added: the row repeats the one above (a canvas's empty rows), so copy
        // its bytes, luma and alpha with memmove instead of undoing and reading it pixel by pixel.
        raw.copyWithin(start, start - rb - 1, start - 1);
        const above = target - pass.dy * width;
        image.luma.copyWithin(target, above, above + pass.w);
        image.alpha?.copyWithin(target, above, above + pass.w);
        continue;
      }
      unfilterRow(raw, start, rb, y === 0, format.bpp);
      readRow(format, raw, start, pass.w, image, target, pass.dx);
    }
    offset += (rb + 1) * pass.h;
  }
  if (image.alpha && isOpaque(image.alpha)) image.alpha = null;
  return image;
}

/**
 * Non-interlaced 8-bit RGBA, the page's canvas PNGs: a pixel is one 32-bit word (read unaligned
 * through a DataView, little-endian: R in the low byte), and the Sub, Up and Avg filters are undone
 * on all four bytes at once with carry-free byte arithmetic (SWAR), ~4× fewer operations than byte
 * by byte; Paeth byte by byte, except where its three neighbours agree. In an "Up" row (most rows of a canvas) a run
 * of zero words repeats the pixels above: it is copied (bytes, luma, alpha) with memmove, so only
 * the ink is read pixel by pixel; a pixel equal to its left neighbour (a background) reuses its
 * luma. Opacity is tracked on the way (no second pass over alpha). Returns whether every pixel is opaque.
 */
function rgba8Rows(
  d: Uint8Array,
  width: number,
  height: number,
  l: Float32Array,
  al: Uint8Array,
  repeats: Uint8Array,
): boolean {
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const rb = width * 4;
  const stride = rb + 1;
  let opaque = 255;
  for (let y = 0; y < height; y++) {
    const s = y * stride + 1;
    const e = s + rb;
    const t = y * width;
    let filter = d[s - 1]!;
    repeats[y] = 0;
    if (y === 0) {
      if (filter === 2)
        filter = 0; // Up with no row above adds nothing
      else if (filter === 4)
        filter = 1; // Paeth with no row above is Sub
      else if (filter === 3) filter = 5; // Avg with no row above: half the left pixel
    } else if (filter === 2) {
      if (zeroRow(d, s, e)) {
        // An empty canvas row, the commonest: the whole row repeats the one above.
        d.copyWithin(s, s - stride, s - 1);
        l.copyWithin(t, t - width, t);
        al.copyWithin(t, t - width, t);
        repeats[y] = 1;
        continue;
      }
      opaque &= upRow(view, d, s, e, t, width, l, al);
      continue;
    }
    if (filter > 5) fail(`a row has unknown filter type ${filter}`);
    let left = 0;
    let leftLuma = 0;
    for (let q = s, i = t; q < e; q += 4, i++) {
      let p = view.getUint32(q, true);
      if (filter === 1) p = addBytes(p, left);
      else if (filter === 3) p = addBytes(p, averageBytes(left, view.getUint32(q - stride, true)));
      else if (filter === 5) p = addBytes(p, (left >>> 1) & 0x7f7f7f7f);
      else if (filter === 4)
        p = paethWord(p, left, view.getUint32(q - stride, true), q === s ? 0 : view.getUint32(q - stride - 4, true));
      if (filter !== 0) view.setUint32(q, p, true);
      if (p !== left || i === t) {
        const r = p & 255;
        const g = (p >>> 8) & 255;
        const b = (p >>> 16) & 255;
        leftLuma = r === g && g === b ? greyLuma[r]! : luma(r, g, b);
        left = p;
      }
      const a = p >>> 24;
      l[i] = leftLuma;
      al[i] = a;
      opaque &= a;
    }
  }
  return opaque === 255;
}

/**
 * An "Up" row of rgba8Rows: runs of zero words (pixels equal to the ones above, whose alpha is
 * already counted) are copied, the other pixels unfiltered and read. Returns the AND of the alphas read.
 */
function upRow(
  view: DataView,
  d: Uint8Array,
  s: number,
  e: number,
  t: number,
  width: number,
  l: Float32Array,
  al: Uint8Array,
): number {
  const stride = width * 4 + 1;
  let opaque = 255;
  let q = s;
  while (q < e) {
    const run = q;
    while (q < e && view.getUint32(q, true) === 0) q += 4;
    if (q > run) {
      const i = t + (run - s) / 4;
      const n = (q - run) / 4;
      d.copyWithin(run, run - stride, q - stride);
      l.copyWithin(i, i - width, i - width + n);
      al.copyWithin(i, i - width, i - width + n);
    }
    for (; q < e; q += 4) {
      const raw = view.getUint32(q, true);
      if (raw === 0) break;
      const p = addBytes(raw, view.getUint32(q - stride, true));
      view.setUint32(q, p, true);
      const r = p & 255;
      const g = (p >>> 8) & 255;
      const b = (p >>> 16) & 255;
      const i = t + (q - s) / 4;
      l[i] = r === g && g === b ? greyLuma[r]! : luma(r, g, b);
      al[i] = p >>> 24;
      opaque &= p >>> 24;
    }
  }
  return opaque;
}

let zeros = Buffer.alloc(0);

/** Whether bytes s..e of `d` are all zero, compared natively (memcmp) against a zero buffer. */
function zeroRow(d: Uint8Array, s: number, e: number): boolean {
  if (zeros.length < e - s) zeros = Buffer.alloc(e - s);
  return zeros.compare(d, s, e, 0, e - s) === 0;
}

/** The four bytes of x and y added each modulo 256 (no carry from one byte into the next). */
const addBytes = (x: number, y: number) => (((x & 0x7f7f7f7f) + (y & 0x7f7f7f7f)) ^ ((x ^ y) & 0x80808080)) >>> 0;

/** Each byte of the floor average of the bytes of x and y, as PNG's Avg filter takes it. */
const averageBytes = (x: number, y: number) => ((x & y) + (((x ^ y) >>> 1) & 0x7f7f7f7f)) >>> 0;

/** Paeth undone on the four bytes of a pixel: `raw` plus the predictor from left, above and upper-left. */
function paethWord(raw: number, left: number, above: number, upperLeft: number): number {
  // Where left, above and upper-left agree (a canvas's background) the predictor is that pixel.
  if (left === above && above === upperLeft) return addBytes(raw, left);
  let p = 0;
  for (let shift = 0; shift < 32; shift += 8) {
    const v = (raw >>> shift) + paeth((left >>> shift) & 255, (above >>> shift) & 255, (upperLeft >>> shift) & 255);
    p |= (v & 255) << shift;
  }
  return p >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - c - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function readChunks(bytes: Uint8Array, view: DataView): { format: Format & { interlaced: boolean }; data: Uint8Array } {
  let format: (Format & { interlaced: boolean }) | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let pos = 8; ;) {
    // A file that ends after a whole chunk is read as if IEND followed (browsers do the same).
    if (pos === bytes.length && idat.length > 0) break;
    if (pos + 8 > bytes.length) fail('the file ends inside a chunk header, before IEND');
    const length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    const start = pos + 8;
    const end = start + length;
    if (end + 4 > bytes.length) fail(`its ${chunkName(bytes, pos + 4)} chunk is truncated`);
    const body = bytes.subarray(start, end);
    if (pos === 8 && type !== IHDR) fail('it does not start with an IHDR chunk');
    if (type === IHDR) format = readIhdr(body);
    else if (type === PLTE) palette = body;
    else if (type === TRNS) trns = body;
    else if (type === IDAT) idat.push(body);
    else if (type === IEND) break;
    pos = end + 4;
  }
  if (!format) fail('it has no IHDR chunk');
  if (idat.length === 0) fail('it has no image data (IDAT)');
  if (format.colourType === 3) {
    if (!palette || palette.length % 3 !== 0) fail('a palette image has no valid PLTE chunk');
    const count = palette.length / 3;
    format.paletteLuma = new Float32Array(count);
    for (let i = 0; i < count; i++)
      format.paletteLuma[i] = luma(palette[i * 3]!, palette[i * 3 + 1]!, palette[i * 3 + 2]!);
    if (trns) {
      format.paletteAlpha = new Uint8Array(count).fill(255);
      format.paletteAlpha.set(trns.subarray(0, count));
    }
  } else if (trns && (format.colourType === 0 || format.colourType === 2)) {
    const samples = format.colourType === 0 ? 1 : 3;
    if (trns.length >= samples * 2)
      format.transparent = Array.from({ length: samples }, (_, i) => (trns[i * 2]! << 8) | trns[i * 2 + 1]!);
  }
  return { format, data: idat.length === 1 ? idat[0]! : Buffer.concat(idat) };
}

function readIhdr(body: Uint8Array): Format & { interlaced: boolean } {
  if (body.length < 13) fail('its IHDR chunk is too short');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const [depth, colourType, compression, filter, interlace] = body.subarray(8, 13) as unknown as number[];
  const channels = CHANNELS[colourType!];
  if (!channels || !DEPTHS[colourType!]!.includes(depth!))
    fail(`bit depth ${depth} with colour type ${colourType} is not a valid combination`);
  if (compression !== 0 || filter !== 0 || interlace! > 1)
    fail(`unknown compression, filter or interlace method (${compression}, ${filter}, ${interlace})`);
  const bitsPerPixel = depth! * channels;
  return {
    width: view.getUint32(0),
    height: view.getUint32(4),
    depth: depth!,
    colourType: colourType!,
    bitsPerPixel,
    bpp: Math.max(1, bitsPerPixel >> 3),
    interlaced: interlace === 1,
    paletteLuma: null,
    paletteAlpha: null,
    transparent: null,
  };
}

function inflate(data: Uint8Array, expected: number, width: number, height: number): Uint8Array {
  const result = inflateExactly(data, expected);
  if (result.ok) return result.data;
  if (result.reason === 'too-long')
    throw new DigitInputError(
      'UNDECODABLE',
      `PNG image data does not inflate to a ${width}×${height} image: it holds more than ${expected} bytes`,
    );
  if (result.reason === 'too-short') fail(`its image data is truncated (${result.length} of ${expected} bytes)`);
  fail(`its image data is not valid zlib data (${result.message})`);
}

/** Undo a row's filter in place: `rb` bytes from `s`, its filter byte before it, the row above before that. */
function unfilterRow(d: Uint8Array, s: number, rb: number, first: boolean, bpp: number): void {
  const stride = rb + 1;
  const e = s + rb;
  const filter = d[s - 1]!;
  if (filter === 0) return;
  if (filter === 1 || (filter === 4 && first)) {
    // Sub (and Paeth with no row above, which reduces to it).
    for (let i = s + bpp; i < e; i++) d[i] = d[i]! + d[i - bpp]!;
  } else if (filter === 2) {
    if (!first) for (let i = s; i < e; i++) d[i] = d[i]! + d[i - stride]!;
  } else if (filter === 3) {
    if (first) {
      for (let i = s + bpp; i < e; i++) d[i] = d[i]! + (d[i - bpp]! >> 1);
    } else {
      for (let i = s; i < s + bpp && i < e; i++) d[i] = d[i]! + (d[i - stride]! >> 1);
      for (let i = s + bpp; i < e; i++) d[i] = d[i]! + ((d[i - bpp]! + d[i - stride]!) >> 1);
    }
  } else if (filter === 4) {
    for (let i = s; i < s + bpp && i < e; i++) d[i] = d[i]! + d[i - stride]!;
    for (let i = s + bpp; i < e; i++) {
      const a = d[i - bpp]!;
      const b = d[i - stride]!;
      const c = d[i - stride - bpp]!;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - c - c);
      d[i] = d[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }
  } else {
    fail(`a row has unknown filter type ${filter}`);
  }
}

function isZero(d: Uint8Array, s: number, length: number): boolean {
  for (let i = s, e = s + length; i < e; i++) if (d[i] !== 0) return false;
  return true;
}

/** 16-bit and 1/2/4-bit samples to 8 bits as pngjs scales them: round(v × 255 / max), half up. */
const to8 = (v: number, max: number) => Math.floor((v * 255) / max + 0.5);

/** Luma (and alpha) of `count` pixels of one unfiltered row from `s`, written from `t` in steps of `dt`. */
function readRow(f: Format, d: Uint8Array, s: number, count: number, out: GreyImage, t: number, dt: number): void {
  const { luma: l, alpha: a } = out;
  const tr = f.transparent;
  const end = t + count * dt;
  switch (f.colourType * 100 + f.depth) {
    case 608: // RGBA, 8 bits: what a browser's canvas gives (grey pixels for the page's drawings)
      for (let i = t, q = s; i < end; i += dt, q += 4) {
        const r = d[q]!;
        const g = d[q + 1]!;
        const b = d[q + 2]!;
        l[i] = r === g && g === b ? greyLuma[r]! : luma(r, g, b);
        a![i] = d[q + 3]!;
      }
      return;
    case 616:
      for (let i = t, q = s; i < end; i += dt, q += 8) {
        l[i] = luma(to8(u16(d, q), 65535), to8(u16(d, q + 2), 65535), to8(u16(d, q + 4), 65535));
        a![i] = to8(u16(d, q + 6), 65535);
      }
      return;
    case 408:
      for (let i = t, q = s; i < end; i += dt, q += 2) {
        l[i] = greyLuma[d[q]!]!;
        a![i] = d[q + 1]!;
      }
      return;
    case 416:
      for (let i = t, q = s; i < end; i += dt, q += 4) {
        l[i] = greyLuma[to8(u16(d, q), 65535)]!;
        a![i] = to8(u16(d, q + 2), 65535);
      }
      return;
    case 208:
    case 216: {
      const wide = f.depth === 16;
      for (let i = t, q = s; i < end; i += dt, q += wide ? 6 : 3) {
        const r = wide ? u16(d, q) : d[q]!;
        const g = wide ? u16(d, q + 2) : d[q + 1]!;
        const b = wide ? u16(d, q + 4) : d[q + 2]!;
        if (tr && r === tr[0] && g === tr[1] && b === tr[2]) {
          l[i] = 0;
          a![i] = 0;
        } else {
          l[i] = wide ? luma(to8(r, 65535), to8(g, 65535), to8(b, 65535)) : luma(r, g, b);
          if (a) a[i] = 255;
        }
      }
      return;
    }
    default: {
      // Grey (any depth) and palette: one sample a pixel, packed when under 8 bits.
      const depth = f.depth;
      const max = (1 << depth) - 1;
      const palette = f.paletteLuma;
      for (let k = 0, i = t; k < count; k++, i += dt) {
        const v =
          depth === 16
            ? u16(d, s + k * 2)
            : depth === 8
              ? d[s + k]!
              : (d[s + ((k * depth) >> 3)]! >> (8 - depth - ((k * depth) & 7))) & max;
        if (palette) {
          if (v >= palette.length) fail(`pixel ${k} uses colour ${v}, beyond its ${palette.length}-colour palette`);
          l[i] = palette[v]!;
          if (a) a[i] = f.paletteAlpha![v]!;
        } else if (tr && v === tr[0]) {
          l[i] = 0;
          a![i] = 0;
        } else {
          l[i] = greyLuma[depth === 8 ? v : to8(v, max)]!;
          if (a) a[i] = 255;
        }
      }
    }
  }
}

const u16 = (d: Uint8Array, q: number) => (d[q]! << 8) | d[q + 1]!;

function chunkName(bytes: Uint8Array, at: number): string {
  return JSON.stringify(String.fromCharCode(...bytes.subarray(at, Math.min(at + 4, bytes.length))));
}

function fail(why: string): never {
  throw new DigitInputError('UNDECODABLE', `PNG could not be decoded: ${why}`);
}
