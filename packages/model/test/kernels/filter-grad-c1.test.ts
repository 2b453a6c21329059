import { filterGradC1, filterGradC1Fits, type FilterGradC1Shape } from '../../src/kernels/filter-grad-c1';
import { maxRelativeError, seeded } from './against-cpu';

/** The definition, summed in float64. */
function reference(x: Float32Array, dy: Float32Array, s: FilterGradC1Shape): Float32Array {
  const oh = s.inHeight - s.filterHeight + 1;
  const ow = s.inWidth - s.filterWidth + 1;
  const o = s.outChannels;
  const out = new Float64Array(s.filterHeight * s.filterWidth * o);
  for (let b = 0; b < s.batch; b++)
    for (let i = 0; i < s.filterHeight; i++)
      for (let j = 0; j < s.filterWidth; j++)
        for (let y = 0; y < oh; y++)
          for (let xx = 0; xx < ow; xx++) {
            const v = x[(b * s.inHeight + y + i) * s.inWidth + xx + j]!;
            for (let c = 0, at = (i * s.filterWidth + j) * o; c < o; c++)
              out[at + c] = out[at + c]! + v * dy[((b * oh + y) * ow + xx) * o + c]!;
          }
  return Float32Array.from(out);
}

function inputs(s: FilterGradC1Shape, seed: number): { x: Float32Array; dy: Float32Array } {
  const oh = s.inHeight - s.filterHeight + 1;
  const ow = s.inWidth - s.filterWidth + 1;
  return {
    x: seeded([s.batch, s.inHeight, s.inWidth], seed),
    dy: seeded([s.batch, oh, ow, s.outChannels], seed + 1),
  };
}

const shape = (
  batch: number,
  inHeight: number,
  inWidth: number,
  filterHeight: number,
  filterWidth: number,
  outChannels: number,
): FilterGradC1Shape => ({ batch, inHeight, inWidth, filterHeight, filterWidth, outChannels });

describe('filterGradC1 (WebAssembly SIMD filter gradient of a one-channel convolution)', () => {
  it.each([
    shape(2, 28, 28, 5, 5, 16), // the model's first convolution
    shape(3, 28, 28, 5, 5, 32), // width 2
    shape(1, 28, 28, 5, 5, 64), // width 4
    shape(2, 9, 7, 3, 2, 16), // not square
    shape(1, 5, 5, 5, 5, 16), // one output position
    shape(4, 6, 6, 1, 1, 48), // 1×1
  ])('matches the definition for $batch×$inHeight×$inWidth, filter $filterHeight×$filterWidth×$outChannels', (s) => {
    // Prepare
    const { x, dy } = inputs(s, 7);
    const out = new Float32Array(s.filterHeight * s.filterWidth * s.outChannels).fill(NaN);

    // Act
    filterGradC1(x, dy, out, s);

    // Assess
    expect(maxRelativeError(reference(x, dy, s), out)).toBeLessThan(2e-4);
  });

  it('grows its memory for a large batch and leaves nothing behind for a smaller call after it', () => {
    // Prepare: 256 images need ~20 MB, more than the module starts with
    const big = shape(256, 28, 28, 5, 5, 16);
    const small = shape(1, 28, 28, 5, 5, 16);
    const a = inputs(big, 11);
    const b = inputs(small, 13);
    const outBig = new Float32Array(400);
    const outSmall = new Float32Array(400);

    // Act
    filterGradC1(a.x, a.dy, outBig, big);
    filterGradC1(b.x, b.dy, outSmall, small);

    // Assess
    expect(maxRelativeError(reference(a.x, a.dy, big), outBig)).toBeLessThan(2e-4);
    expect(maxRelativeError(reference(b.x, b.dy, small), outSmall)).toBeLessThan(2e-4);
  });

  it('refuses arrays shorter than the shape says', () => {
    const s = shape(2, 28, 28, 5, 5, 16);
    const { x, dy } = inputs(s, 1);
    expect(() => filterGradC1(x.subarray(1), dy, new Float32Array(400), s)).toThrow(RangeError);
    expect(() => filterGradC1(x, dy, new Float32Array(399), s)).toThrow(RangeError);
  });

  it.each([
    { name: 'output channels not a multiple of 16', s: shape(2, 28, 28, 5, 5, 24), fits: false },
    { name: 'fewer than 16 output channels', s: shape(2, 28, 28, 5, 5, 8), fits: false },
    { name: 'a filter larger than the image', s: shape(2, 4, 28, 5, 5, 16), fits: false },
    { name: 'an empty batch', s: shape(0, 28, 28, 5, 5, 16), fits: false },
    { name: "the model's first convolution", s: shape(128, 28, 28, 5, 5, 16), fits: true },
  ])('filterGradC1Fits is $fits for $name', ({ s, fits }) => {
    expect(filterGradC1Fits(s)).toBe(fits);
  });
});
