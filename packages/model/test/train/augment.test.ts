import { NO_AUGMENTATION, augmentBatch, isAugmenting } from '../../src/train/augment';
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
    const draws: number[] = [];
    const counting = () => {
      draws.push(0);
      return 0.5;
    };
    augmentBatch(square(2), 2, { ...NO_AUGMENTATION, rotationDegrees: 10 }, counting);
    expect(draws).toHaveLength(10); // angle, shear, size, dx, dy per image
  });
});
