import { normaliseImage } from '@digits/normalise';
import { mnistTestSamples } from '@digits/test-kit';
import {
  ELASTIC_NODES,
  LOWRES_SIDES,
  NO_AUGMENTATION,
  augmentBatch,
  elasticImage,
  isAugmenting,
  lowResolution,
} from '../../src/train/augment';
import { CLEAN, CORRUPTIONS, seededRandom } from '../../src/robust/corruptions';
import { encodeUpload } from '../../src/robust/upload';
import { mulberry32 } from '../../src/seeded-random';

const PIXELS = 784;
/** A bright 6×6 square at rows/cols 11–16: centred. */
function square(count = 1): Float32Array {
  const x = new Float32Array(count * PIXELS);
  for (let n = 0; n < count; n++)
    for (let y = 11; y < 17; y++) for (let c = 11; c < 17; c++) x[n * PIXELS + y * 28 + c] = 1;
  return x;
}
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};
const ink = (x: Float32Array) => x.reduce((a, b) => a + b, 0);
/** A random() that always answers 0.5 and counts how often it was asked. */
function countingRandom(): (() => number) & { draws: number } {
  const random = Object.assign(
    () => {
      random.draws++;
      return 0.5;
    },
    { draws: 0 },
  );
  return random;
}

describe('augmentBatch', () => {
  it('leaves images unchanged when nothing is asked', () => {
    const x = square(2);
    augmentBatch(x, 2, NO_AUGMENTATION, Math.random);
    expect(x).toEqual(square(2));
    expect(isAugmenting(NO_AUGMENTATION)).toBe(false);
  });

  it('shifts by whole pixels exactly', () => {
    const x = square();
    // random() = 1 → spread = +max; order: angle, shear, size, dx, dy.
    augmentBatch(x, 1, { ...NO_AUGMENTATION, shiftPixels: 2 }, seq(0.5, 0.5, 0.5, 1, 0.5));
    expect(x[13 * 28 + 13]).toBe(1);
    expect(x[13 * 28 + 12]).toBe(0);
    expect(x[13 * 28 + 18]).toBe(1);
    expect(ink(x)).toBeCloseTo(36, 5);
  });

  it('grows and shrinks the ink with the scale, keeps it roughly under rotation', () => {
    const grown = square();
    augmentBatch(grown, 1, { ...NO_AUGMENTATION, scale: 0.2 }, seq(0.5, 0.5, 1, 0.5, 0.5));
    expect(ink(grown)).toBeGreaterThan(36 * 1.3);
    const rotated = square();
    augmentBatch(rotated, 1, { ...NO_AUGMENTATION, rotationDegrees: 15 }, seq(1, 0.5, 0.5, 0.5, 0.5));
    expect(ink(rotated)).toBeGreaterThan(36 * 0.9);
    expect(ink(rotated)).toBeLessThan(36 * 1.1);
    expect(rotated).not.toEqual(square());
  });

  it('gives each image of a batch its own map, and the same seed the same batch', () => {
    const config = {
      ...NO_AUGMENTATION,
      rotationDegrees: 10,
      shear: 0.2,
      scale: 0.1,
      shiftPixels: 2,
      blurSigma: 1,
      noiseSigma: 0.1,
    };
    const random = (seed: number) => {
      let s = seed;
      return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    };
    const a = square(3);
    const b = square(3);
    augmentBatch(a, 3, config, random(5));
    augmentBatch(b, 3, config, random(5));
    expect(a).toEqual(b);
    expect(a.subarray(0, PIXELS)).not.toEqual(a.subarray(PIXELS, 2 * PIXELS));
  });

  it('blurs: the ink spreads to the neighbours and its total stays (away from the edges)', () => {
    const x = square();
    // random() = 1 → σ = the maximum, 1.5 px.
    augmentBatch(x, 1, { ...NO_AUGMENTATION, blurSigma: 1.5 }, seq(1));
    expect(ink(x)).toBeCloseTo(36, 3);
    expect(x[13 * 28 + 13]).toBeLessThan(1);
    expect(x[13 * 28 + 9]).toBeGreaterThan(0.05); // two pixels left of the square
    expect(x[0]).toBe(0);
  });

  it('adds noise of the drawn strength, clamped to 0–1, and none when the drawn strength is 0', () => {
    const x = square();
    augmentBatch(x, 1, { ...NO_AUGMENTATION, noiseSigma: 0.2 }, mulberry32(3));
    expect(x).not.toEqual(square());
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    const background = Array.from(x).filter((_, i) => square()[i] === 0);
    expect(background.filter((v) => v > 0).length).toBeGreaterThan(background.length / 4);
    const quiet = square();
    augmentBatch(quiet, 1, { ...NO_AUGMENTATION, noiseSigma: 0.2 }, seq(0, 0.5));
    expect(quiet).toEqual(square());
  });

  it('draws nothing for blur and noise when they are off: an affine-only config augments as before', () => {
    const counting = countingRandom();
    augmentBatch(square(2), 2, { ...NO_AUGMENTATION, rotationDegrees: 10 }, counting);
    expect(counting.draws).toBe(10); // angle, shear, size, dx, dy per image
  });
});

describe('elastic distortion', () => {
  const nodes = ELASTIC_NODES * ELASTIC_NODES;

  it('moves every control point the same way: a whole-pixel shift, exactly', () => {
    const x = square();
    // random() = 0 → every node's displacement is −max: each pixel samples 2 px up and left of
    // itself, so the square (rows/cols 11–16) moves 2 px down and right.
    elasticImage(x, 2, seq(0));
    expect(x[13 * 28 + 13]).toBeCloseTo(1, 5);
    expect(x[18 * 28 + 18]).toBeCloseTo(1, 5);
    expect(x[12 * 28 + 12]).toBeCloseTo(0, 5);
    expect(x[11 * 28 + 16]).toBeCloseTo(0, 5);
    expect(ink(x)).toBeCloseTo(36, 5);
  });

  it('bends a digit without losing it: a different image, most of its ink kept, values in 0–1', async () => {
    for (const { pixels } of await mnistTestSamples(10)) {
      const img = mnist(pixels);
      const x = img.slice();
      elasticImage(x, 2, mulberry32(pixels[200]! + 1));
      expect(x).not.toEqual(img);
      expect(meanAbsDiff(x, img)).toBeGreaterThan(0.01);
      expect(ink(x) / ink(img)).toBeGreaterThan(0.8);
      expect(ink(x) / ink(img)).toBeLessThan(1.25);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...x)).toBeLessThanOrEqual(1);
    }
  });

  it('draws two numbers a control point per image, only when on', () => {
    const counting = countingRandom();
    augmentBatch(square(3), 3, { ...NO_AUGMENTATION, elasticPixels: 1 }, counting);
    expect(counting.draws).toBe(3 * 2 * nodes);
    // Displacements of 0 (random() = 0.5) leave the image as it was.
    const x = square();
    augmentBatch(x, 1, { ...NO_AUGMENTATION, elasticPixels: 3 }, seq(0.5));
    expect(x).toEqual(square());
    expect(isAugmenting({ ...NO_AUGMENTATION, elasticPixels: 1 })).toBe(true);
  });

  it('is reproducible per seed and differs between seeds', () => {
    const run = (seed: number) => {
      const x = square(4);
      augmentBatch(x, 4, { ...NO_AUGMENTATION, rotationDegrees: 5, elasticPixels: 2 }, mulberry32(seed));
      return x;
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });
});

/** Ink box (pixels above `above`) and centre of mass of a 28×28 image. */
function inkStats(x: Float32Array, above = 0.05) {
  let x0 = 28,
    x1 = -1,
    y0 = 28,
    y1 = -1,
    mass = 0,
    mx = 0,
    my = 0;
  x.forEach((v, i) => {
    const c = i % 28;
    const r = Math.floor(i / 28);
    mass += v;
    mx += c * v;
    my += r * v;
    if (v <= above) return;
    x0 = Math.min(x0, c);
    x1 = Math.max(x1, c);
    y0 = Math.min(y0, r);
    y1 = Math.max(y1, r);
  });
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: mx / mass, cy: my / mass };
}
const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
const mnist = (pixels: Uint8Array) => Float32Array.from(pixels, (v) => v / 255);

describe('low-resolution augmentation', () => {
  const lowres = (p: number) => ({ ...NO_AUGMENTATION, lowresProbability: p });

  it("is what the normaliser makes of the suite's lowres-8 upload, not the clean digit", async () => {
    const lowres8 = CORRUPTIONS.find((c) => c.name === 'lowres-8')!;
    const seen = (c: typeof CLEAN, img: Float32Array) =>
      normaliseImage(encodeUpload(c.apply(img, seededRandom(1))) as Uint8Array).pixels;
    let toLowres = 0;
    let toClean = 0;
    const samples = await mnistTestSamples(25);
    for (const { pixels } of samples) {
      const img = mnist(pixels);
      const augmented = img.slice();
      lowResolution(augmented, 8);
      toLowres += meanAbsDiff(augmented, seen(lowres8, img)) / samples.length;
      toClean += meanAbsDiff(augmented, seen(CLEAN, img)) / samples.length;
    }
    // Measured: 0.014 from the lowres-8 input, 0.066 between that input and the clean one.
    expect(toLowres).toBeLessThan(0.025);
    expect(toClean).toBeGreaterThan(3 * toLowres);
  });

  it('keeps values in 0–1, the digit in the 20 px box and centred by mass, at every side drawn', async () => {
    const pixels = (await mnistTestSamples(1))[0]!.pixels;
    for (let side = LOWRES_SIDES.min; side <= LOWRES_SIDES.max; side++) {
      const x = mnist(pixels);
      lowResolution(x, side);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...x)).toBeLessThanOrEqual(1);
      expect(Math.max(...x)).toBeGreaterThan(0.7); // stretched to full contrast, then resampled to the box
      const { width, height, cx, cy } = inkStats(x);
      expect(Math.max(width, height)).toBeLessThanOrEqual(20);
      expect(Math.max(width, height)).toBeGreaterThanOrEqual(19);
      expect(Math.abs(cx - 14)).toBeLessThan(1);
      expect(Math.abs(cy - 14)).toBeLessThan(1);
    }
  });

  it('leaves a blank image blank and a faint one (too little ink for the normaliser) at low resolution, without throwing', () => {
    const blank = new Float32Array(PIXELS);
    lowResolution(blank, 8);
    expect(blank).toEqual(new Float32Array(PIXELS));
    const faint = square().map((v) => v * 0.05);
    lowResolution(faint, 7);
    expect(ink(faint)).toBeCloseTo(ink(square()) * 0.05, 3); // area-averaging and bilinear keep the ink
    expect(Math.max(...faint)).toBeLessThan(0.05);
    expect(() => lowResolution(square(), 0)).toThrow(RangeError);
    expect(() => lowResolution(square(), 29)).toThrow('from 1 to 28');
  });

  it('degrades about the asked share of images, the same ones for the same seed', () => {
    const count = 1000;
    const original = square();
    const run = (seed: number, p: number, images = count) => {
      const x = square(images);
      augmentBatch(x, images, lowres(p), mulberry32(seed));
      const changed = Array.from({ length: images }, (_, n) =>
        x.subarray(n * PIXELS, (n + 1) * PIXELS).some((v, i) => v !== original[i]),
      );
      return { x, changed };
    };
    const a = run(5, 0.3);
    const share = a.changed.filter(Boolean).length / count;
    expect(share).toBeGreaterThan(0.26);
    expect(share).toBeLessThan(0.34);
    expect(run(5, 0.3).x).toEqual(a.x);
    expect(run(6, 0.3).changed).not.toEqual(a.changed);
    expect(run(5, 1, 50).changed.every(Boolean)).toBe(true);
    expect(run(5, 0, 50).changed.some(Boolean)).toBe(false);
    expect(isAugmenting(lowres(0.3))).toBe(true);
  });

  it('draws the side from the stream: 7 px at random() = 0, 14 px just below 1', () => {
    const at = (r: number) => {
      const x = square();
      augmentBatch(x, 1, lowres(1), seq(0, r));
      return x;
    };
    const seven = square();
    lowResolution(seven, LOWRES_SIDES.min);
    const fourteen = square();
    lowResolution(fourteen, LOWRES_SIDES.max);
    expect(at(0)).toEqual(seven);
    expect(at(0.999)).toEqual(fourteen);
    expect(seven).not.toEqual(fourteen);
  });
});
