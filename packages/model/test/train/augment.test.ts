import { NO_AUGMENTATION, augmentBatch, isAugmenting } from '../../src/train/augment';

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
    augmentBatch(x, 1, { rotationDegrees: 0, shear: 0, scale: 0, shiftPixels: 2 }, seq(0.5, 0.5, 0.5, 1, 0.5));
    expect(x[13 * 28 + 13]).toBe(1);
    expect(x[13 * 28 + 12]).toBe(0);
    expect(x[13 * 28 + 18]).toBe(1);
    expect(ink(x)).toBeCloseTo(36, 5);
  });

  it('grows and shrinks the ink with the scale, keeps it roughly under rotation', () => {
    const grown = square();
    augmentBatch(grown, 1, { rotationDegrees: 0, shear: 0, scale: 0.2, shiftPixels: 0 }, seq(0.5, 0.5, 1, 0.5, 0.5));
    expect(ink(grown)).toBeGreaterThan(36 * 1.3);
    const rotated = square();
    augmentBatch(rotated, 1, { rotationDegrees: 15, shear: 0, scale: 0, shiftPixels: 0 }, seq(1, 0.5, 0.5, 0.5, 0.5));
    expect(ink(rotated)).toBeGreaterThan(36 * 0.9);
    expect(ink(rotated)).toBeLessThan(36 * 1.1);
    expect(rotated).not.toEqual(square());
  });

  it('gives each image of a batch its own map, and the same seed the same batch', () => {
    const config = { rotationDegrees: 10, shear: 0.2, scale: 0.1, shiftPixels: 2 };
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
});
