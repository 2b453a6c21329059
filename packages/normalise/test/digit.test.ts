import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { mnistTestSamples } from '@digits/test-kit';
import { DigitInputError, normaliseImage, type DigitInputErrorCode, type NormalisedDigit } from '../src';
import { normaliseImageReference } from '../src/reference';
import { CHANNELS, encodeRawPng, VALID_DEPTHS, type RawPng } from './raw-png';
import {
  canvas,
  centreOfMass,
  correlation,
  inkBox,
  stroke,
  SEVEN,
  jpegHeader,
  pngHeader,
  toJpeg,
  toPng,
  type Canvas,
  type Rgba,
} from './stroke-canvas';

const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** A "7" drawn in the top-left part of a canvas (off-centre on purpose). */
function seven(width: number, height: number, background: Rgba, ink: Rgba): Canvas {
  const c = canvas(width, height, background);
  const box: [number, number, number, number] = [width * 0.08, height * 0.1, width * 0.4, height * 0.55];
  stroke(c, SEVEN, box, Math.max(1.5, Math.min(width, height) * 0.05), ink);
  return c;
}

function expectMnistShaped(pixels: Float32Array): void {
  expect(pixels).toHaveLength(784);
  expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
  expect(Math.max(...pixels)).toBeGreaterThan(0.9);
  const com = centreOfMass(pixels);
  expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(1);
  expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(1);
  const box = inkBox(pixels);
  expect(Math.max(box.width, box.height)).toBeGreaterThanOrEqual(19);
  expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(20);
  // The background (corners) is dark.
  expect([pixels[0], pixels[27], pixels[756], pixels[783]]).toEqual([0, 0, 0, 0]);
}

describe('normaliseImage', () => {
  const darkOnLight = normaliseImage(toPng(seven(280, 280, WHITE, BLACK)));

  it('centres an off-centre dark-on-light digit drawn on 280×280, inverted to ink-bright', () => {
    expectMnistShaped(darkOnLight.pixels);
    expect(darkOnLight).toMatchObject({ width: 280, height: 280, inverted: true });
  });

  it('gives the same 28×28 for both polarities', () => {
    const lightOnDark = normaliseImage(toPng(seven(280, 280, BLACK, WHITE)));
    expect(lightOnDark.inverted).toBe(false);
    expectMnistShaped(lightOnDark.pixels);
    expect(correlation(lightOnDark.pixels, darkOnLight.pixels)).toBeGreaterThan(0.99);
  });

  it('handles a small non-square canvas (50×30), keeping the aspect ratio', () => {
    const result = normaliseImage(toPng(seven(50, 30, WHITE, BLACK)));
    expectMnistShaped(result.pixels);
    expect(result).toMatchObject({ width: 50, height: 30, inverted: true });
    // The drawn 7 is 20×16.5 px, wider than tall: width scaled to 20, height to ~16.
    const box = inkBox(result.pixels, 0.1);
    expect(box.width).toBeGreaterThan(box.height);
  });

  it.each([
    ['black ink on a transparent canvas', BLACK, true],
    ['white ink on a transparent canvas', WHITE, false],
  ])('reads %s as ink', (_name, ink, inverted) => {
    const result = normaliseImage(toPng(seven(280, 280, CLEAR, ink as Rgba)));
    expect(result.inverted).toBe(inverted);
    expectMnistShaped(result.pixels);
    expect(correlation(result.pixels, darkOnLight.pixels)).toBeGreaterThan(0.99);
  });

  it('decodes JPEG (with its compression noise) to nearly the same digit', () => {
    const result = normaliseImage(toJpeg(seven(280, 280, WHITE, BLACK), 75));
    expect(result.inverted).toBe(true);
    expectMnistShaped(result.pixels);
    expect(correlation(result.pixels, darkOnLight.pixels)).toBeGreaterThan(0.95);
  });

  it('reproduces real MNIST test digits from 6× enlarged dark-on-light renderings', async () => {
    const correlations: number[] = [];
    for (const { pixels: original } of await mnistTestSamples(12)) {
      // Nearest-neighbour 6× enlargement, inverted to black ink on white paper.
      const big = canvas(168, 168, WHITE);
      for (let y = 0; y < 168; y++) {
        for (let x = 0; x < 168; x++) {
          const v = 255 - original[Math.floor(y / 6) * 28 + Math.floor(x / 6)]!;
          big.rgba.set([v, v, v, 255], (y * 168 + x) * 4);
        }
      }
      const result = normaliseImage(toPng(big));
      expect(result.inverted).toBe(true);
      correlations.push(correlation(result.pixels, original));
    }
    expect(Math.min(...correlations)).toBeGreaterThan(0.8);
    expect(correlations.reduce((a, b) => a + b) / correlations.length).toBeGreaterThan(0.9);
  });
});

describe('normaliseImage refuses bad input with a DigitInputError naming the problem', () => {
  const valid = toPng(seven(40, 40, WHITE, BLACK));

  const cases: Array<[string, Uint8Array, DigitInputErrorCode, number, RegExp]> = [
    ['an empty body', new Uint8Array(0), 'EMPTY', 400, /empty/],
    ['a PNG cut inside its header', valid.subarray(0, 20), 'UNDECODABLE', 400, /truncated/],
    [
      'a PNG cut inside its image data',
      valid.subarray(0, valid.length - 40),
      'UNDECODABLE',
      400,
      /PNG could not be decoded/,
    ],
    ['garbage bytes', Buffer.from('hello, this is not an image at all'), 'UNDECODABLE', 400, /not a PNG or JPEG/],
    [
      'a GIF',
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      'UNSUPPORTED_MEDIA',
      415,
      /GIF images are not supported/,
    ],
    ['a PNG declaring 100000×100000 pixels', pngHeader(100_000, 100_000), 'TOO_LARGE', 413, /100000×100000.*4096/],
    ['a PNG declaring 2829×2829 pixels (8 MP limit)', pngHeader(2829, 2829), 'TOO_LARGE', 413, /megapixels/],
    ['a PNG declaring 0×10 pixels', pngHeader(0, 10), 'UNDECODABLE', 400, /at least one pixel/],
    ['a JPEG declaring 60000×60000 pixels', jpegHeader(60_000, 60_000), 'TOO_LARGE', 413, /60000×60000/],
    ['a JPEG with no frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'UNDECODABLE', 400, /no frame header/],
    [
      'an interlaced PNG whose data inflates far beyond its size',
      interlacedBomb(),
      'UNDECODABLE',
      400,
      /does not inflate/,
    ],
    ['a blank white image', toPng(canvas(64, 64, WHITE)), 'EMPTY', 400, /no ink/],
    ['a fully transparent image', toPng(canvas(64, 64, CLEAR)), 'EMPTY', 400, /transparent/],
    ['a blank JPEG', toJpeg(canvas(64, 64, WHITE)), 'EMPTY', 400, /no ink/],
  ];

  it.each(cases)('%s', (_name, bytes, code, status, message) => {
    let error: unknown;
    try {
      normaliseImage(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DigitInputError);
    expect(error).toMatchObject({ code, status });
    expect((error as Error).message).toMatch(message);
  });
});

function interlacedBomb(): Buffer {
  const data = deflateSync(Buffer.alloc(4 * 1024 * 1024));
  const idat = Buffer.alloc(12 + data.length);
  idat.writeUInt32BE(data.length, 0);
  idat.write('IDAT', 4, 'latin1');
  data.copy(idat, 8);
  return Buffer.concat([pngHeader(10, 10, 1), idat]);
}

/** The normaliser's answer, or the code it refused with. */
function outcome(normalise: (bytes: Uint8Array) => NormalisedDigit, bytes: Uint8Array): NormalisedDigit | string {
  try {
    return normalise(bytes);
  } catch (e) {
    if (e instanceof DigitInputError) return e.code;
    throw e;
  }
}

/**
 * Same answer as the reference normaliser (pngjs RGBA path): each of the 784 pixels within 1/255 —
 * or, where the digit's centre of mass falls on a half pixel, the same image one pixel over.
 */
function expectAsReference(bytes: Uint8Array): void {
  const fast = outcome(normaliseImage, bytes);
  const reference = outcome(normaliseImageReference, bytes);
  if (typeof reference === 'string' || typeof fast === 'string') {
    expect(fast).toEqual(reference);
    return;
  }
  expect({ ...fast, pixels: null }).toEqual({ ...reference, pixels: null });
  expect(differenceAtCentringTie(fast.pixels, reference.pixels)).toBeLessThanOrEqual(1 / 255);
}

/** Largest pixel difference between the two 28×28 images: as they are, or moved by a pixel along an axis where they tie. */
function differenceAtCentringTie(fast: Float32Array, reference: Float32Array): number {
  // Both place the digit at round(14 − its centre of mass). Their in-tolerance pixel differences
  // move that centre by hundredths of a pixel, so where it sits within 0.05 px of a half pixel
  // (a vertical bar of even height, say) the two may round to neighbouring offsets: both right.
  const { x: cx, y: cy } = centreOfMass(reference);
  const tie = (c: number) => Math.abs(Math.abs(c - 14) - 0.5) < 0.05;
  let best = Infinity;
  for (const dy of tie(cy) ? [-1, 0, 1] : [0]) {
    for (const dx of tie(cx) ? [-1, 0, 1] : [0]) {
      let worst = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const [ry, rx] = [y - dy, x - dx];
          const r = ry >= 0 && ry < 28 && rx >= 0 && rx < 28 ? reference[ry * 28 + rx]! : 0;
          worst = Math.max(worst, Math.abs(fast[y * 28 + x]! - r));
        }
      }
      best = Math.min(best, worst);
    }
  }
  return best;
}

describe('normaliseImage matches the reference normaliser within 1/255 a pixel', () => {
  it.each([
    ['dark on light, 280×280', () => toPng(seven(280, 280, WHITE, BLACK))],
    ['light on dark, 280×280', () => toPng(seven(280, 280, BLACK, WHITE))],
    ['50×30', () => toPng(seven(50, 30, WHITE, BLACK))],
    ['black ink on transparent', () => toPng(seven(280, 280, CLEAR, BLACK))],
    ['white ink on transparent', () => toPng(seven(280, 280, CLEAR, WHITE))],
    ['JPEG', () => toJpeg(seven(280, 280, WHITE, BLACK), 75)],
    ['blank', () => toPng(canvas(64, 64, WHITE))],
    ['fully transparent', () => toPng(canvas(64, 64, CLEAR))],
  ])('%s', (_name, bytes) => expectAsReference(bytes()));

  it('on a bar whose centre of mass falls on a half pixel (one the property below found: one pixel apart)', () => {
    const c = canvas(88, 59, [102, 9, 88, 128]);
    stroke(
      c,
      [
        [9.410913062266515e-301, 0.9999999999999984],
        [5.186292828062023e-275, 5.441406971803968e-114],
      ],
      [0, 0, 88, 59],
      3.711717717534445,
      [251, 27, 236, 255],
    );
    expectAsReference(encodeRawPng(asLayout(c, 6, 8, { interlaced: true, filters: [1, 1, 1, 0, 0] })));
  });

  it('on random drawings stored in every PNG layout (bit depth, colour type, palette, tRNS, interlacing)', () => {
    const colour = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.constantFrom(0, 128, 255));
    const drawing = fc.record({
      width: fc.integer({ min: 8, max: 90 }),
      height: fc.integer({ min: 8, max: 90 }),
      background: colour,
      ink: colour,
      points: fc.array(
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
        {
          minLength: 2,
          maxLength: 5,
        },
      ),
      thickness: fc.double({ min: 1, max: 8, noNaN: true }),
      colourType: fc.constantFrom(0 as const, 2 as const, 3 as const, 4 as const, 6 as const),
      depthPick: fc.nat(),
      interlaced: fc.boolean(),
      filters: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(drawing, (d) => {
        const c = canvas(d.width, d.height, d.background as Rgba);
        stroke(c, d.points, [0, 0, d.width, d.height], d.thickness, d.ink as Rgba);
        const depths = VALID_DEPTHS[d.colourType];
        expectAsReference(encodeRawPng(asLayout(c, d.colourType, depths[d.depthPick % depths.length]!, d)));
      }),
      { numRuns: 120 },
    );
  });
});

/** An RGBA canvas stored as `colourType` at `depth` (grey from luma; a palette of grey levels). */
function asLayout(
  c: Canvas,
  colourType: RawPng['colourType'],
  depth: number,
  rest: { interlaced: boolean; filters: number[] },
): RawPng {
  const channels = CHANNELS[colourType];
  const n = c.width * c.height;
  const samples = new Uint16Array(n * channels);
  const scale = (v: number) => (depth === 16 ? v * 257 : v >> (8 - depth));
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = c.rgba.subarray(i * 4, i * 4 + 4) as unknown as number[];
    const grey = Math.round(0.299 * r! + 0.587 * g! + 0.114 * b!);
    const values = { 0: [grey], 2: [r!, g!, b!], 3: [grey], 4: [grey, a!], 6: [r!, g!, b!, a!] }[colourType];
    values.forEach((v, k) => (samples[i * channels + k] = scale(v)));
  }
  const png: RawPng = {
    width: c.width,
    height: c.height,
    depth: depth as RawPng['depth'],
    colourType,
    samples,
    ...rest,
  };
  if (colourType === 3) {
    const levels = 2 ** depth;
    png.palette = Uint8Array.from({ length: levels * 3 }, (_, k) => Math.round(((k / 3) | 0) * (255 / (levels - 1))));
    png.trns = Uint8Array.from({ length: levels }, (_, k) => (k === 0 ? 0 : 255));
  }
  return png;
}

/** A canvas's luma (0..255), changed by `edit`, back as an opaque grey canvas. */
function editGrey(c: Canvas, edit: (grey: Float32Array) => Float32Array): Canvas {
  const grey = new Float32Array(c.width * c.height);
  for (let i = 0; i < grey.length; i++) grey[i] = c.rgba[i * 4]!;
  const edited = edit(grey);
  const out = canvas(c.width, c.height, WHITE);
  for (let i = 0; i < grey.length; i++)
    out.rgba.fill(Math.round(Math.min(255, Math.max(0, edited[i]!))), i * 4, i * 4 + 3);
  return out;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussianBlur(grey: Float32Array, side: number, sigma: number): Float32Array {
  const radius = Math.ceil(sigma * 3);
  const kernel = Array.from({ length: radius * 2 + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  let src = grey;
  for (const [dx, dy] of [
    [1, 0],
    [0, 1],
  ]) {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        let sum = 0;
        let total = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k * dx!;
          const yy = y + k * dy!;
          if (xx < 0 || yy < 0 || xx >= side || yy >= side) continue;
          sum += src[yy * side + xx]! * kernel[k + radius]!;
          total += kernel[k + radius]!;
        }
        dst[y * side + x] = sum / total;
      }
    src = dst;
  }
  return src;
}

describe('normaliseImage keeps the digit its size when the ink box would take in more than the digit', () => {
  const SIDE = 112;
  /** A "7" over most of a 112×112 frame, dark on white, as a photo or an upload would hold it. */
  const framed = (): Canvas => {
    const c = canvas(SIDE, SIDE, WHITE);
    stroke(c, SEVEN, [SIDE * 0.22, SIDE * 0.12, SIDE * 0.56, SIDE * 0.76], 9, BLACK);
    return c;
  };
  const clean = normaliseImage(toPng(framed())).pixels;

  it('a noisy photo-like frame (grain everywhere, σ 0.15): the frame is the digit’s, not shrunk to fit the grain', () => {
    const random = seeded(7);
    const noisy = editGrey(framed(), (grey) =>
      grey.map((v) => v + 0.15 * 255 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
    );
    const result = normaliseImage(toPng(noisy)).pixels;
    // The 7 covers 76 % of the frame's height: 21 px of 28 (boxed to fit the grain, it was 16).
    const box = inkBox(result, 0.5);
    expect(Math.max(box.width, box.height)).toBeGreaterThanOrEqual(20);
    // The grain, averaged down 4×, is nearly all under the stretch's floor.
    const ring = [...result.subarray(0, 28), ...result.subarray(756)];
    expect(ring.reduce((a, b) => a + b) / ring.length).toBeLessThan(0.05);
  });

  it('a faint blur halo (σ 5 px of 112) stays out of the box: the digit keeps its size', () => {
    const blurred = editGrey(framed(), (grey) => gaussianBlur(grey, SIDE, 5));
    const result = normaliseImage(toPng(blurred)).pixels;
    // 0.69 when the box took in the halo down to 5 % of the contrast.
    expect(correlation(result, clean)).toBeGreaterThan(0.75);
  });

  it('an off-centre digit with faint specks (10 % of the contrast) across the frame is cropped to the digit', () => {
    const c = canvas(SIDE, SIDE, WHITE);
    stroke(c, SEVEN, [5, 5, SIDE * 0.56, SIDE * 0.76], 9, BLACK);
    const specked = editGrey(c, (grey) => {
      for (const [x, y] of [
        [100, 104],
        [108, 60],
        [20, 110],
      ])
        grey[y! * SIDE + x!] = 255 * 0.9;
      return grey;
    });
    const result = normaliseImage(toPng(specked));
    expectMnistShaped(result.pixels);
    expect(correlation(result.pixels, clean)).toBeGreaterThan(0.95);
  });

  it('a clean digit drawn across its whole frame is still boxed to 20 px (no grain along the border)', () => {
    const c = canvas(40, 40, WHITE);
    stroke(c, SEVEN, [1, 1, 38, 38], 3, BLACK);
    expectMnistShaped(normaliseImage(toPng(c)).pixels);
  });
});
