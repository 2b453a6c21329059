/**
 * fast-check generators of hostile and careless requests for POST /predict and serve's
 * POST /invocations: random and truncated image bytes of every common format, decompression bombs,
 * extreme and zero dimensions, 16-bit and interlaced PNGs, progressive JPEG headers, bad base64
 * and data URLs, malformed and deeply nested JSON, multipart with 0/1/300 parts, wrong and
 * missing content types, huge batches, bodies either side of the size limits.
 */
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  oneLine,
  pngBytes,
  pngChunk,
  rawSize,
  type PngSpec,
} from '../../../services/inference/test/support/hostile-images';
import { progressiveJpegEncoder } from './progressive-jpeg';

export interface FuzzRequest {
  target: 'predict' | 'invocations';
  /** What was sent, for the report of a 5xx or a slow answer. */
  what: string;
  contentType?: string;
  body: Buffer;
}

type Bytes = { what: string; bytes: Buffer };
const MiB = 1024 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAGIC: Record<string, Buffer> = {
  png: PNG_SIGNATURE,
  jpeg: Buffer.from([0xff, 0xd8, 0xff]),
  gif: Buffer.from('GIF89a', 'latin1'),
  bmp: Buffer.from('BM', 'latin1'),
  webp: Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'),
  tiff: Buffer.from('II*\0', 'latin1'),
};

/** A PNG of any declared size whose image data is `raw` (or none). */
function declaredPng(
  width: number,
  height: number,
  bitDepth: number,
  colorType: number,
  interlace: number,
  raw?: Buffer,
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width >>> 0, 0);
  ihdr.writeUInt32BE(height >>> 0, 4);
  ihdr.set([bitDepth, colorType, 0, 0, interlace], 8);
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr)];
  if (raw) parts.push(pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** SOI + a frame header (SOF0 baseline, SOF2 progressive, …) declaring the size, then `rest`. */
function declaredJpeg(width: number, height: number, frame: number, rest: Buffer): Buffer {
  const sof = Buffer.from([0xff, frame, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 3]);
  const components = Buffer.from([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, components, rest]);
}

/** Inputs built once (some are expensive to deflate): bombs and real digits. */
export interface Fixtures {
  digitPngs: Buffer[];
  digitJpegs: Buffer[];
  progressiveJpegs: Buffer[];
  bombs: Bytes[];
}

export async function buildFixtures(digitPngs: Buffer[]): Promise<Fixtures> {
  const progressive = await progressiveJpegEncoder();
  const rgbaOf = (png: Buffer) => PNG.sync.read(png);
  const jpegOf = (png: Buffer) => jpeg.encode(rgbaOf(png), 75).data as Buffer;
  const line = (side: number) => {
    const data = new Uint8Array(side * side * 4).fill(255);
    const y = Math.floor(side / 2);
    for (let dy = 0; dy < Math.ceil(side / 50); dy++)
      for (let x = Math.floor(side / 4); x < (3 * side) / 4; x++)
        data.fill(0, ((y + dy) * side + x) * 4, ((y + dy) * side + x) * 4 + 3);
    return { width: side, height: side, data };
  };
  const spec = (s: PngSpec): Bytes => ({
    what: `bomb PNG ${s.width}×${s.height} ${s.bitDepth ?? 8}-bit type ${s.colorType ?? 0}${s.interlace ? ' interlaced' : ''}`,
    bytes: pngBytes({ ...s, raw: s.raw ?? Buffer.alloc(rawSize(s)) }),
  });
  return {
    digitPngs,
    digitJpegs: digitPngs.slice(0, 8).map(jpegOf),
    progressiveJpegs: await Promise.all(digitPngs.slice(8, 16).map((png) => progressive(rgbaOf(png)))),
    bombs: [
      { what: 'progressive JPEG 2000×2000, one line', bytes: await progressive(line(2000)) },
      { what: 'progressive JPEG 4000×4000, one line', bytes: await progressive(line(4000)) },
      spec({ width: 2828, height: 2828 }), // within the 8 MP per-image limit
      spec({ width: 4000, height: 4000 }), // over 8 MP (issue 10's image)
      spec({ width: 4096, height: 4096 }),
      spec({ width: 3000, height: 3000, bitDepth: 16 }), // 16-bit: over the decode budget
      spec({ width: 2000, height: 2000, bitDepth: 16, colorType: 6 }),
      spec({ width: 1000, height: 1000, colorType: 6 }),
      {
        what: 'one-line PNG 2000×2000',
        bytes: pngBytes({ width: 2000, height: 2000, raw: oneLine({ width: 2000, height: 2000 }) }),
      },
      // An interlaced PNG whose data inflates to far more than its header allows.
      {
        what: 'interlaced PNG 10×10 holding 64 MB of zeros',
        bytes: declaredPng(10, 10, 8, 0, 1, Buffer.alloc(64 * MiB)),
      },
      // Zero-filled deflate: 1 MB of data for a 10×10 image (non-interlaced).
      { what: 'PNG 10×10 holding 16 MB of zeros', bytes: declaredPng(10, 10, 8, 0, 0, Buffer.alloc(16 * MiB)) },
    ],
  };
}

const dimension = fc.oneof(
  fc.constantFrom(0, 1, 2, 27, 28, 4095, 4096, 4097, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1),
  fc.integer({ min: 0, max: 5000 }),
);

function imageBytes(fx: Fixtures): fc.Arbitrary<Bytes> {
  const smallPng = fc
    .record({
      width: fc.integer({ min: 1, max: 64 }),
      height: fc.integer({ min: 1, max: 64 }),
      bitDepth: fc.constantFrom<8 | 16>(8, 16),
      colorType: fc.constantFrom<0 | 2 | 4 | 6>(0, 2, 4, 6),
      interlace: fc.boolean(),
      random: fc.boolean(),
      seed: fc.integer(),
    })
    .map(({ random, seed, ...s }): Bytes => {
      const raw = random ? noise(rawSize(s), seed) : oneLine(s);
      return {
        what: `PNG ${s.width}×${s.height} ${s.bitDepth}-bit type ${s.colorType}${s.interlace ? ' interlaced' : ''}${random ? ' noise' : ''}`,
        bytes: pngBytes({ ...s, raw }),
      };
    });
  const real = fc.oneof(
    fc.constantFrom(...fx.digitPngs).map((bytes) => ({ what: 'real digit PNG', bytes })),
    fc.constantFrom(...fx.digitJpegs).map((bytes) => ({ what: 'real digit JPEG', bytes })),
    fc.constantFrom(...fx.progressiveJpegs).map((bytes) => ({ what: 'real digit progressive JPEG', bytes })),
  );
  // A progressive JPEG cut or changed anywhere: valid tables and frame, broken scans.
  const bigProgressive = fc.constantFrom(...fx.bombs.filter((b) => b.what.startsWith('progressive')));
  const truncated = fc
    .tuple(fc.oneof(real, smallPng, bigProgressive), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([img, cut]) => ({
      what: `${img.what} truncated at ${Math.floor(img.bytes.length * cut)}`,
      bytes: img.bytes.subarray(0, Math.floor(img.bytes.length * cut)),
    }));
  const corrupted = fc
    .tuple(
      fc.oneof(real, smallPng, bigProgressive),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
    )
    .map(([img, flips]) => {
      const bytes = Buffer.from(img.bytes);
      for (const [at, v] of flips) bytes[at % bytes.length] = v;
      return { what: `${img.what} with ${flips.length} bytes changed`, bytes };
    });
  const magic = fc
    .tuple(fc.constantFrom(...Object.keys(MAGIC)), fc.uint8Array({ maxLength: 2048 }))
    .map(([format, rest]) => ({
      what: `${format} magic + ${rest.length} random bytes`,
      bytes: Buffer.concat([MAGIC[format]!, rest]),
    }));
  const extremePng = fc
    .tuple(
      dimension,
      dimension,
      fc.constantFrom(1, 2, 4, 8, 16, 7),
      fc.constantFrom(0, 2, 3, 4, 6, 5),
      fc.constantFrom(0, 1, 2),
      fc.boolean(),
    )
    .map(([w, h, depth, type, interlace, withData]) => ({
      what: `PNG declaring ${w}×${h} depth ${depth} type ${type} interlace ${interlace}${withData ? ' + data' : ''}`,
      bytes: declaredPng(w, h, depth, type, interlace, withData ? Buffer.alloc(256) : undefined),
    }));
  const extremeJpeg = fc
    .tuple(
      dimension,
      dimension,
      fc.constantFrom(0xc0, 0xc1, 0xc2, 0xc3, 0xc9, 0xca),
      fc.uint8Array({ maxLength: 4096 }),
    )
    .map(([w, h, frame, rest]) => ({
      what: `JPEG SOF${(frame & 0xf).toString(16)}${frame === 0xc2 ? ' (progressive)' : ''} declaring ${w & 0xffff}×${h & 0xffff} + ${rest.length} random bytes`,
      bytes: declaredJpeg(w & 0xffff, h & 0xffff, frame, Buffer.from(rest)),
    }));
  const bomb = fc.constantFrom(...fx.bombs);
  const random = fc
    .uint8Array({ maxLength: 4096 })
    .map((b) => ({ what: `${b.length} random bytes`, bytes: Buffer.from(b) }));
  return fc.oneof(
    { arbitrary: real, weight: 3 },
    { arbitrary: smallPng, weight: 4 },
    { arbitrary: truncated, weight: 3 },
    { arbitrary: corrupted, weight: 3 },
    { arbitrary: magic, weight: 2 },
    { arbitrary: extremePng, weight: 3 },
    { arbitrary: extremeJpeg, weight: 2 },
    { arbitrary: bomb, weight: 1 },
    { arbitrary: random, weight: 1 },
  );
}

/** Deterministic noise from a seed (xorshift), cheaper than drawing every byte from fast-check. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** An image as a JSON string: base64, URL-safe base64, a data URL of some type, or broken base64. */
function imageString(img: fc.Arbitrary<Bytes>): fc.Arbitrary<{ what: string; text: string }> {
  return fc
    .tuple(
      img,
      fc.constantFrom(
        'base64',
        'base64url',
        'data:image/png',
        'data:image/gif',
        'data:text/plain',
        'data:no-base64',
        'data:',
        'spaces',
        'broken',
      ),
    )
    .map(([i, form]) => {
      const b64 = i.bytes.toString('base64');
      const text = {
        base64: b64,
        base64url: i.bytes.toString('base64url'),
        'data:image/png': `data:image/png;base64,${b64}`,
        'data:image/gif': `data:image/gif;base64,${b64}`,
        'data:text/plain': `data:text/plain;base64,${b64}`,
        'data:no-base64': `data:image/png,${b64}`,
        'data:': `data:${b64}`,
        spaces: b64.replace(/(.{76})/g, '$1\n '),
        broken: `${b64.slice(0, Math.max(1, b64.length - 3))}*!`,
      }[form]!;
      return { what: `${i.what} as ${form}`, text };
    });
}

const pixelArray = fc.oneof(
  fc.constant(Array(784).fill(0)),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.string(), fc.constant(null)), {
    maxLength: 800,
  }),
  fc.constant(Array.from({ length: 28 }, () => Array(28).fill(255))),
  fc.constant(Array.from({ length: 28 }, () => Array(27).fill(1))),
);

function nested(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

function multipart(
  parts: Array<{ name: string; filename?: string; type?: string; body: Buffer }>,
  boundary: string,
): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
      p.body,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'application/octet-stream',
  'application/x-image',
  'image/gif',
  'image/webp',
  'text/plain',
  'application/json',
  'text/csv',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'IMAGE/PNG; charset=binary',
  'image/png;;;',
  '*/*',
  '',
];

export function predictRequests(fx: Fixtures): fc.Arbitrary<FuzzRequest> {
  const img = imageBytes(fx);
  const str = imageString(img);
  const raw = fc
    .tuple(img, fc.constantFrom(...CONTENT_TYPES, undefined))
    .map(([i, type]) => ({ what: `raw ${i.what} as ${type ?? 'no Content-Type'}`, contentType: type, body: i.bytes }));
  const jsonImage = str.map((s) => ({
    what: `{"image": ${s.what}}`,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify({ image: s.text })),
  }));
  const instances = fc
    .array(
      fc.oneof(
        str.map((s) => ({ what: s.what, value: s.text as unknown })),
        pixelArray.map((p) => ({ what: 'pixels', value: p as unknown })),
        fc.jsonValue().map((v) => ({ what: 'json value', value: v as unknown })),
      ),
      { minLength: 0, maxLength: 12 },
    )
    .map((items) => ({
      what: `{"instances": [${items.map((i) => i.what).join(', ')}]}`,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ instances: items.map((i) => i.value) })),
    }));
  const hugeBatch = fc
    .tuple(fc.constantFrom(256, 257, 1000, 100_000), fc.constantFrom('pixels', 'zeros', 'digit', 'strings'))
    .map(([requested, kind]) => {
      // Under API Gateway's 10 MB: above it the gateway answers, not our function (see README).
      const n = kind === 'digit' || kind === 'pixels' ? Math.min(requested, 3000) : requested;
      const item = { pixels: Array(784).fill(0), zeros: 0, digit: fx.digitPngs[0]!.toString('base64'), strings: 'x' }[
        kind
      ];
      return {
        what: `{"instances": ${n} × ${kind}}`,
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify({ instances: Array(n).fill(item) })),
      };
    });
  const manyLarge = fc.constantFrom(2, 20, 163).map((n) => {
    const b64 = fx.bombs[0]!.bytes.toString('base64');
    return {
      what: `{"instances": ${n} × ${fx.bombs[0]!.what}}`,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ instances: Array(n).fill(b64) })),
    };
  });
  const badJson = fc
    .oneof(
      fc.string({ maxLength: 200 }).map((s) => ({ what: `text ${JSON.stringify(s.slice(0, 20))}`, body: s })),
      fc.jsonValue().map((v) => ({ what: 'random JSON value', body: JSON.stringify(v) })),
      fc.integer({ min: 1, max: 200_000 }).map((d) => ({ what: `${d}-deep nested arrays`, body: nested(d) })),
      fc
        .integer({ min: 1, max: 100_000 })
        .map((d) => ({ what: `{"pixels": ${d}-deep}`, body: `{"pixels": ${nested(d)}}` })),
      fc
        .integer({ min: 1, max: 100_000 })
        .map((d) => ({ what: `{"instances": ${d}-deep}`, body: `{"instances": ${nested(d)}}` })),
      fc
        .integer({ min: 1, max: 50_000 })
        .map((d) => ({ what: `${d}-deep objects`, body: '{"a":'.repeat(d) + '1' + '}'.repeat(d) })),
      fc.jsonValue().map((v) => ({ what: 'truncated JSON', body: JSON.stringify({ instances: [v] }).slice(0, -2) })),
    )
    .chain((j) =>
      fc
        .constantFrom('application/json', 'application/vnd.x+json', 'text/plain')
        .map((type) => ({ what: j.what, contentType: type, body: Buffer.from(j.body) })),
    );
  const form = fc
    .tuple(
      fc.constantFrom(0, 1, 2, 300),
      img,
      fc.constantFrom('image', 'file', 'IMAGE'),
      fc.boolean(),
      fc.constantFrom('b0und', 'x'.repeat(70), 'wrong'),
    )
    .map(([n, i, name, asFile, boundary]) => {
      const parts = Array.from({ length: n }, () =>
        asFile
          ? { name, filename: 'd.png', type: 'image/png', body: i.bytes }
          : { name, body: Buffer.from(i.bytes.toString('base64')) },
      );
      const body = multipart(parts, boundary === 'wrong' ? 'other' : boundary);
      return {
        what: `multipart ${n} ${asFile ? 'file' : 'field'} parts "${name}" of ${i.what}${boundary === 'wrong' ? ' (boundary mismatch)' : ''}`,
        contentType: `multipart/form-data; boundary=${boundary}`,
        body,
      };
    });
  const formNoBoundary = img.map((i) => ({
    what: 'multipart without boundary',
    contentType: 'multipart/form-data',
    body: i.bytes,
  }));
  const sized = fc.constantFrom(4 * MiB - 1, 4 * MiB + 1, 4.3 * MiB, 4.6 * MiB, 5.5 * MiB).chain((size) =>
    fc.constantFrom('image/png', 'application/json').map((type) => ({
      what: `${type} body of ${(size / MiB).toFixed(2)} MiB`,
      contentType: type,
      body:
        type === 'application/json'
          ? Buffer.from(JSON.stringify({ image: 'A'.repeat(Math.floor(size) - 13) }))
          : Buffer.concat([fx.digitPngs[0]!, Buffer.alloc(Math.floor(size) - fx.digitPngs[0]!.length)]),
    })),
  );
  return fc
    .oneof(
      { arbitrary: raw, weight: 8 },
      { arbitrary: jsonImage, weight: 4 },
      { arbitrary: instances, weight: 4 },
      { arbitrary: badJson, weight: 3 },
      { arbitrary: form, weight: 3 },
      { arbitrary: formNoBoundary, weight: 1 },
      { arbitrary: hugeBatch, weight: 1 },
      { arbitrary: manyLarge, weight: 1 },
      { arbitrary: sized, weight: 1 },
    )
    .map((r) => ({ target: 'predict' as const, ...r }));
}

export function invocationRequests(fx: Fixtures): fc.Arbitrary<FuzzRequest> {
  const img = imageBytes(fx);
  const image = fc
    .tuple(img, fc.constantFrom('application/x-image', 'image/png', 'image/jpeg'))
    .map(([i, type]) => ({ what: `${i.what} as ${type}`, contentType: type, body: i.bytes }));
  const json = fc
    .oneof(
      fc
        .array(pixelArray, { maxLength: 300 })
        .map((a) => ({ what: `{"instances": ${a.length} arrays}`, body: JSON.stringify({ instances: a }) })),
      pixelArray.map((p) => ({ what: 'bare pixel array', body: JSON.stringify(p) })),
      fc.jsonValue().map((v) => ({ what: 'random JSON value', body: JSON.stringify(v) })),
      fc
        .integer({ min: 1, max: 200_000 })
        .map((d) => ({ what: `{"instances": ${d}-deep}`, body: `{"instances": ${nested(d)}}` })),
      fc.string({ maxLength: 100 }).map((s) => ({ what: 'malformed JSON', body: `{"instances": [${s}` })),
    )
    .map((j) => ({ what: j.what, contentType: 'application/json', body: Buffer.from(j.body) }));
  const csv = fc
    .oneof(
      fc
        .integer({ min: 0, max: 300 })
        .map((rows) => Array.from({ length: rows }, () => Array(784).fill(7).join(',')).join('\n')),
      fc.string({ maxLength: 3000 }),
      fc
        .array(fc.oneof(fc.double().map(String), fc.constant('NaN'), fc.constant('')), { maxLength: 800 })
        .map((a) => a.join(',')),
    )
    .map((text) => ({ what: `CSV of ${text.length} chars`, contentType: 'text/csv', body: Buffer.from(text) }));
  const wrongType = fc
    .tuple(img, fc.constantFrom(...CONTENT_TYPES, undefined))
    .map(([i, type]) => ({ what: `${i.what} as ${type ?? 'no Content-Type'}`, contentType: type, body: i.bytes }));
  return fc.oneof(image, json, csv, wrongType).map((r) => ({ target: 'invocations' as const, ...r }));
}
