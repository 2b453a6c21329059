import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { DigitInputError } from '../src';
import { luma } from '../src/grey-image';
import { decodePngGrey } from '../src/png-grey';
import { decodeImage } from '../src/reference';
import { CHANNELS, encodeRawPng, VALID_DEPTHS, type RawPng } from './raw-png';
import { canvas, stroke, SEVEN, toPng } from './stroke-canvas';

/** A random PNG layout with random samples (a tRNS colour taken from a pixel, so it occurs). */
const rawPng: fc.Arbitrary<RawPng> = fc
  .record({
    width: fc.integer({ min: 1, max: 19 }),
    height: fc.integer({ min: 1, max: 19 }),
    colourType: fc.constantFrom(0 as const, 2 as const, 3 as const, 4 as const, 6 as const),
    depthPick: fc.nat(),
    interlaced: fc.boolean(),
    withTrns: fc.boolean(),
    paletteSize: fc.integer({ min: 1, max: 256 }),
    filters: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    seed: fc.integer(),
  })
  .map(({ width, height, colourType, depthPick, interlaced, withTrns, paletteSize, filters, seed }) => {
    const depths = VALID_DEPTHS[colourType];
    const depth = depths[depthPick % depths.length] as RawPng['depth'];
    const random = mulberry32(seed);
    const colours = colourType === 3 ? Math.min(paletteSize, 2 ** depth) : 0;
    const max = colourType === 3 ? colours : 2 ** depth;
    const samples = Uint16Array.from({ length: width * height * CHANNELS[colourType] }, () =>
      Math.floor(random() * max),
    );
    const png: RawPng = { width, height, depth, colourType, interlaced, samples, filters };
    if (colourType === 3) {
      png.palette = Uint8Array.from({ length: colours * 3 }, () => Math.floor(random() * 256));
      if (withTrns)
        png.trns = Uint8Array.from({ length: Math.ceil(random() * colours) }, () => Math.floor(random() * 256));
    } else if (withTrns && (colourType === 0 || colourType === 2)) {
      const trns = Buffer.alloc(colourType === 0 ? 2 : 6);
      for (let c = 0; c < trns.length / 2; c++) trns.writeUInt16BE(samples[c]!, c * 2);
      png.trns = trns;
    }
    return png;
  });

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the RGBA reference path sees: luma and alpha of each pixel, from pngjs. */
function referenceGrey(bytes: Uint8Array): { luma: Float32Array; alpha: Uint8Array } {
  const { width, height, rgba } = decodeImage(bytes);
  const out = { luma: new Float32Array(width * height), alpha: new Uint8Array(width * height) };
  for (let i = 0; i < width * height; i++) {
    out.luma[i] = luma(rgba[i * 4]!, rgba[i * 4 + 1]!, rgba[i * 4 + 2]!);
    out.alpha[i] = rgba[i * 4 + 3]!;
  }
  return out;
}

function expectSameAsReference(bytes: Uint8Array): void {
  const fast = decodePngGrey(bytes);
  const reference = referenceGrey(bytes);
  expect(fast.luma).toEqual(reference.luma);
  expect(fast.alpha ?? new Uint8Array(fast.width * fast.height).fill(255)).toEqual(reference.alpha);
}

describe('decodePngGrey', () => {
  it('gives the luma and alpha of the RGBA reference (pngjs), bit for bit, for every PNG layout', () => {
    fc.assert(
      fc.property(rawPng, (png) => expectSameAsReference(encodeRawPng(png))),
      { numRuns: 300 },
    );
  });

  it('reads a page drawing (280×280 RGBA, white on an opaque black canvas, adaptive filters)', () => {
    const page = canvas(280, 280, [0, 0, 0, 255]);
    stroke(page, SEVEN, [40, 40, 180, 200], 280 / 13, [255, 255, 255, 255]);
    const bytes = toPng(page);
    expectSameAsReference(bytes);
    const { width, height, luma: l } = decodePngGrey(bytes);
    expect([width, height, l[0], Math.max(...l)]).toEqual([280, 280, 0, 1]);
  });

  const sevenByOne = (over: Partial<RawPng> = {}) =>
    encodeRawPng({
      width: 7,
      height: 1,
      depth: 8,
      colourType: 0,
      interlaced: false,
      samples: Uint16Array.from([0, 40, 80, 120, 160, 200, 240]),
      filters: [0],
      ...over,
    });

  const refusals: Array<[string, () => Uint8Array, RegExp]> = [
    [
      'an unknown row filter',
      () => withIdat(sevenByOne(), deflateSync(Buffer.from([5, 1, 2, 3, 4, 5, 6, 7]))),
      /unknown filter type 5/,
    ],
    [
      'a palette index beyond the palette',
      () =>
        sevenByOne({
          colourType: 3,
          palette: Uint8Array.from([1, 2, 3, 4, 5, 6]),
          samples: Uint16Array.from([0, 1, 2, 0, 0, 0, 0]),
        }),
      /colour 2, beyond its 2-colour palette/,
    ],
    ['a palette image without PLTE', () => sevenByOne({ colourType: 3 }), /no valid PLTE/],
    [
      'image data that is not zlib',
      () => withIdat(sevenByOne(), Buffer.from('not zlib at all')),
      /not valid zlib data/,
    ],
    [
      'image data shorter than the image',
      () => withIdat(sevenByOne(), deflateSync(Buffer.from([0, 1, 2]))),
      /truncated \(3 of 8 bytes\)/,
    ],
    [
      'image data far longer than the image (a bomb)',
      () => withIdat(sevenByOne(), deflateSync(Buffer.alloc(1 << 22))),
      /does not inflate to a 7×1 image/,
    ],
    ['a file cut inside a chunk', () => sevenByOne().subarray(0, -14), /"IDAT" chunk is truncated/],
    ['a file cut inside a chunk header', () => sevenByOne().subarray(0, -8), /ends inside a chunk header/],
    [
      'an invalid bit depth for the colour type',
      () => sevenByOne({ colourType: 2, depth: 4 }),
      /bit depth 4 with colour type 2/,
    ],
  ];

  it.each(refusals)('refuses %s with a 400 naming it', (_name, bytes, message) => {
    let error: unknown;
    try {
      decodePngGrey(bytes());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DigitInputError);
    expect(error).toMatchObject({ code: 'UNDECODABLE', status: 400 });
    expect((error as Error).message).toMatch(message);
  });
});

/** The PNG with its image data replaced by `data` (one IDAT, CRC left as is: the decoder does not check it). */
function withIdat(png: Buffer, data: Buffer): Buffer {
  const at = png.indexOf('IDAT') - 4;
  const length = png.readUInt32BE(at);
  const idat = Buffer.alloc(12 + data.length);
  idat.writeUInt32BE(data.length, 0);
  idat.write('IDAT', 4, 'latin1');
  data.copy(idat, 8);
  return Buffer.concat([png.subarray(0, at), idat, png.subarray(at + 12 + length)]);
}
