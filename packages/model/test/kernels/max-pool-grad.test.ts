import * as tf from '@tensorflow/tfjs';
import { SimdKernels } from '../../src/kernels/simd-kernels';
import { maxRelativeError, onBothBackends, seeded, useWasmAndCpu } from './against-cpu';

type Case = {
  x: [number, number, number, number];
  size: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
  ties: boolean;
};

const cases: Case[] = [
  { x: [3, 24, 24, 16], size: [2, 2], strides: [2, 2], pad: 'valid', ties: true }, // the model's first pool; ties as in all-zero ReLU windows
  { x: [2, 8, 8, 32], size: [2, 2], strides: [2, 2], pad: 'valid', ties: false },
  { x: [2, 7, 9, 3], size: [3, 3], strides: [2, 2], pad: 'same', ties: false }, // overlapping windows, padded edges
  { x: [1, 6, 5, 2], size: [2, 3], strides: [1, 2], pad: 'same', ties: true },
  { x: [2, 5, 5, 1], size: [5, 5], strides: [1, 1], pad: 'valid', ties: false },
  { x: [2, 7, 9, 3], size: [2, 2], strides: [2, 2], pad: 'valid', ties: true }, // 2×2 windows, odd sides: the last row and column in no window
  { x: [2, 7, 9, 8], size: [2, 2], strides: [2, 2], pad: 'valid', ties: true }, // the same in SIMD (channels a multiple of 4)
  { x: [2, 7, 7, 4], size: [2, 2], strides: [2, 2], pad: 'same', ties: true }, // 2×2 windows, the last ones half in the padding
];

describe('wasm MaxPoolGrad (loop over the wasm heap)', () => {
  beforeAll(useWasmAndCpu);

  it.each(cases)(
    'matches the cpu backend for x=$x size=$size strides=$strides pad=$pad ties=$ties',
    async ({ x, size, strides, pad, ties }) => {
      // Prepare
      // With ties, values take 3 levels: many windows hold several equal maxima.
      const xs = seeded(x, 11).map((v) => (ties ? Math.round(v) : v));
      const outShape = tf.tidy(() => tf.maxPool(tf.zeros(x) as tf.Tensor4D, size, strides, pad).shape);
      const rs = seeded(outShape, 12);

      // Act
      const [dx] = await onBothBackends(() => {
        const loss = (xt: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(xt as tf.Tensor4D, size, strides, pad), tf.tensor(rs, outShape)));
        return [tf.grad(loss)(tf.tensor(xs, x))];
      });

      // Assess
      expect(dx!.shape).toEqual(x);
      expect(dx!.wasm.some((v) => v !== 0)).toBe(true);
      expect(maxRelativeError(dx!.cpu, dx!.wasm)).toBeLessThan(2e-4);
    },
  );

  it.each([
    { x: [2, 24, 24, 16], simd: 1 }, // the model's first pool
    { x: [2, 8, 8, 32], simd: 1 }, // its second
    { x: [2, 8, 8, 3], simd: 0 }, // channels not a multiple of 4: the plain loop
  ])('x=$x takes the SIMD kernel $simd time(s)', async ({ x, simd }) => {
    const spy = jest.spyOn(SimdKernels.prototype, 'maxPoolGrad2x2');
    try {
      await onBothBackends(() => [
        tf.grad((xt: tf.Tensor) => tf.sum(tf.maxPool(xt as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor(seeded(x, 1), x)),
      ]);
      expect(spy).toHaveBeenCalledTimes(simd);
    } finally {
      spy.mockRestore();
    }
  });
});
