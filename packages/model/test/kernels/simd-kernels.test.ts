import { SimdKernels, type FilterGradC1Shape, type PoolGrad2x2Shape } from '../../src/kernels/simd-kernels';
import { maxRelativeError, seeded } from './against-cpu';

/** A memory of either kind with a bump allocator, as the backend's heap would hold tensors. */
function heap(kind: 'shared' | 'unshared', pages = 16) {
  const memory =
    kind === 'shared'
      ? new WebAssembly.Memory({ initial: pages, maximum: 4096, shared: true })
      : new WebAssembly.Memory({ initial: pages });
  let next = 4; // an address that is 4-byte but not 16-byte aligned, as heap tensors may be
  const alloc = (values: Float32Array | number): Float32Array => {
    const length = typeof values === 'number' ? values : values.length;
    const view = new Float32Array(memory.buffer, next, length);
    if (typeof values !== 'number') view.set(values);
    next += length * 4 + 4;
    return view;
  };
  return { memory, kernels: new SimdKernels(memory), alloc };
}

/** The definition, summed in float64. */
function filterGradReference(x: Float32Array, dy: Float32Array, s: FilterGradC1Shape): Float32Array {
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

/** The cpu backend's rule: each window's dy to its first maximum in row-major order; 0 elsewhere. */
function poolGradReference(x: Float32Array, dy: Float32Array, s: PoolGrad2x2Shape): Float32Array {
  const { batch, inHeight: h, inWidth: w, channels: c, outHeight: oh, outWidth: ow } = s;
  const dx = new Float32Array(batch * h * w * c);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++)
        for (let k = 0; k < c; k++) {
          let best = -1;
          for (const [dy0, dx0] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const) {
            const at = ((b * h + 2 * y + dy0) * w + 2 * xx + dx0) * c + k;
            if (best < 0 || x[at]! > x[best]!) best = at;
          }
          dx[best] = dy[((b * oh + y) * ow + xx) * c + k]!;
        }
  return dx;
}

const filterShape = (batch: number, inHeight: number, inWidth: number, kh: number, kw: number, o: number) =>
  ({ batch, inHeight, inWidth, filterHeight: kh, filterWidth: kw, outChannels: o }) satisfies FilterGradC1Shape;

const poolShape = (batch: number, inHeight: number, inWidth: number, channels: number) =>
  ({
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight: Math.floor(inHeight / 2),
    outWidth: Math.floor(inWidth / 2),
  }) satisfies PoolGrad2x2Shape;

describe.each(['shared', 'unshared'] as const)('SimdKernels on a %s memory', (kind) => {
  describe('filterGradC1 (filter gradient of a one-channel convolution)', () => {
    it.each([
      filterShape(2, 28, 28, 5, 5, 16), // the model's first convolution
      filterShape(3, 28, 28, 5, 5, 32), // width 2
      filterShape(1, 28, 28, 5, 5, 64), // width 4
      filterShape(2, 9, 7, 3, 2, 16), // not square
      filterShape(1, 5, 5, 5, 5, 16), // one output position
      filterShape(4, 6, 6, 1, 1, 48), // 1×1
    ])(
      'matches the definition for x $batch×$inHeight×$inWidth, filter $filterHeight×$filterWidth×$outChannels',
      (s) => {
        // Prepare: dW starts as garbage, which the kernel must not add to
        const { kernels, alloc } = heap(kind);
        const oh = s.inHeight - s.filterHeight + 1;
        const ow = s.inWidth - s.filterWidth + 1;
        const x = alloc(seeded([s.batch, s.inHeight, s.inWidth], 7));
        const dy = alloc(seeded([s.batch, oh, ow, s.outChannels], 8));
        const dw = alloc(new Float32Array(s.filterHeight * s.filterWidth * s.outChannels).fill(NaN));

        // Act
        kernels.filterGradC1(x, dy, dw, s);

        // Assess
        expect(maxRelativeError(filterGradReference(x, dy, s), dw)).toBeLessThan(2e-4);
      },
    );

    it('refuses arrays that are not on its memory, too short, or a shape it does not compute', () => {
      const { kernels, alloc } = heap(kind);
      const s = filterShape(2, 28, 28, 5, 5, 16);
      const x = alloc(2 * 784);
      const dy = alloc(2 * 576 * 16);
      expect(() => kernels.filterGradC1(new Float32Array(2 * 784), dy, alloc(400), s)).toThrow(
        /not on the kernels' memory/,
      );
      expect(() => kernels.filterGradC1(x, dy, alloc(399), s)).toThrow(/shorter than its shape/);
      expect(() => kernels.filterGradC1(x, dy, alloc(600), { ...s, outChannels: 24 })).toThrow(/not supported/);
    });
  });

  describe('maxPoolGrad2x2', () => {
    it.each([
      poolShape(2, 24, 24, 16), // the model's first pool
      poolShape(2, 8, 8, 32), // its second
      poolShape(3, 5, 7, 4), // odd sides: the last row and column belong to no window
      poolShape(1, 2, 2, 8),
    ])('matches the first-maximum rule for $batch×$inHeight×$inWidth×$channels', (s) => {
      // Prepare: ReLU-like inputs (many exact zeros, so ties) and a dx full of garbage
      const { kernels, alloc } = heap(kind);
      const n = s.batch * s.inHeight * s.inWidth * s.channels;
      const x = alloc(seeded([n], 3).map((v) => Math.max(0, v)));
      const dy = alloc(seeded([s.batch * s.outHeight * s.outWidth * s.channels], 4));
      const dx = alloc(new Float32Array(n).fill(NaN));

      // Act
      kernels.maxPoolGrad2x2(x, dy, dx, s);

      // Assess: exactly (each dx is a copy of one dy, or 0)
      expect(Array.from(dx)).toEqual(Array.from(poolGradReference(x, dy, s)));
    });

    it('sends a window of equal values (a tie) to its first input', () => {
      const { kernels, alloc } = heap(kind);
      const s = poolShape(1, 2, 2, 4);
      const x = alloc(new Float32Array(16).fill(0.5));
      const dy = alloc(Float32Array.of(1, 2, 3, 4));
      const dx = alloc(16);
      kernels.maxPoolGrad2x2(x, dy, dx, s);
      expect(Array.from(dx)).toEqual([1, 2, 3, 4, ...new Array<number>(12).fill(0)]);
    });

    it.each([
      ['channels not a multiple of 4', { ...poolShape(1, 4, 4, 4), channels: 6 }],
      ['more windows than the input holds', { ...poolShape(1, 4, 4, 4), outHeight: 3 }],
      ['an empty batch', poolShape(0, 4, 4, 4)],
    ])('poolGrad2x2Fits refuses %s', (_name, s) => {
      expect(SimdKernels.poolGrad2x2Fits(s)).toBe(false);
    });
  });
});

it('SimdKernels grows with its memory: a tensor past the first size is read where it lies', () => {
  // Prepare: the memory grows after the kernels were made, as the backend's heap does
  const memory = new WebAssembly.Memory({ initial: 1 });
  const kernels = new SimdKernels(memory);
  memory.grow(499); // to ~33 MB
  const s = filterShape(256, 28, 28, 5, 5, 16);
  const base = 16 * 1024 * 1024;
  const x = new Float32Array(memory.buffer, base, 256 * 784);
  x.set(seeded([256 * 784], 1));
  const dy = new Float32Array(memory.buffer, base + x.byteLength, 256 * 576 * 16);
  dy.set(seeded([dy.length], 2));
  const dw = new Float32Array(memory.buffer, base + x.byteLength + dy.byteLength, 400);

  // Act
  kernels.filterGradC1(x, dy, dw, s);

  // Assess
  expect(maxRelativeError(filterGradReference(x, dy, s), dw)).toBeLessThan(2e-4);
});
