import * as tf from '@tensorflow/tfjs';
import { SimdKernels } from '../../src/kernels/simd-kernels';
import { maxRelativeError, onBothBackends, seeded, useWasmAndCpu } from './against-cpu';

type Case = {
  x: [number, number, number, number];
  k: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
};

const cases: Case[] = [
  { x: [2, 28, 28, 1], k: [5, 5, 1, 16], strides: [1, 1], pad: 'valid' }, // the model's first conv (filterGradC1)
  { x: [3, 28, 28, 1], k: [5, 5, 1, 32], strides: [1, 1], pad: 'valid' }, // its width 2 (filterGradC1)
  { x: [2, 10, 9, 1], k: [3, 3, 1, 16], strides: [1, 1], pad: 'same' }, // one channel, padded: XNNPACK
  { x: [2, 12, 12, 1], k: [5, 5, 1, 16], strides: [2, 2], pad: 'valid' }, // one channel, strided: XNNPACK
  { x: [2, 12, 12, 16], k: [5, 5, 16, 32], strides: [1, 1], pad: 'valid' }, // its second
  { x: [2, 9, 9, 3], k: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 10, 11, 2], k: [3, 3, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [2, 11, 10, 3], k: [3, 2, 3, 2], strides: [2, 3], pad: 'valid' },
  { x: [1, 8, 8, 2], k: [4, 4, 2, 3], strides: [3, 3], pad: 'same' },
  { x: [5, 7, 7, 1], k: [1, 1, 1, 6], strides: [2, 2], pad: 'valid' },
  { x: [2, 8, 9, 3], k: [4, 2, 3, 2], strides: [1, 1], pad: 'same' }, // even kernel: uneven SAME padding
  { x: [2, 6, 6, 4], k: [3, 3, 4, 1], strides: [1, 1], pad: 'valid' },
];

describe('wasm Conv2DBackpropFilter and Conv2DBackpropInput (as forward convolutions)', () => {
  beforeAll(useWasmAndCpu);

  it.each(cases)(
    'matches the cpu backend gradients for x=$x k=$k strides=$strides pad=$pad',
    async ({ x, k, strides, pad }) => {
      // Prepare: loss = Σ conv(x, w) · r, so dL/dw and dL/dx are the backprop kernels applied to r.
      const xs = seeded(x, 1);
      const ws = seeded(k, 2);
      const outShape = tf.tidy(
        () => tf.conv2d(tf.zeros(x) as tf.Tensor4D, tf.zeros(k) as tf.Tensor4D, strides, pad).shape,
      );
      const rs = seeded(outShape, 3);

      // Act
      const [dw, dx] = await onBothBackends(() => {
        const r = tf.tensor(rs, outShape);
        const loss = (xt: tf.Tensor, wt: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, strides, pad), r));
        return tf
          .grads(loss)([tf.tensor(xs, x), tf.tensor(ws, k)])
          .reverse();
      });

      // Assess
      expect(dw!.shape).toEqual(k);
      expect(maxRelativeError(dw!.cpu, dw!.wasm)).toBeLessThan(2e-4);
      expect(maxRelativeError(dx!.cpu, dx!.wasm)).toBeLessThan(2e-4);
    },
  );

  it.each([
    { x: [2, 28, 28, 1], k: [5, 5, 1, 16], strides: 1, pad: 'valid', simd: 1 }, // the model's first convolution
    { x: [2, 28, 28, 1], k: [5, 5, 1, 32], strides: 1, pad: 'valid', simd: 1 }, // at width 2
    { x: [2, 12, 12, 16], k: [5, 5, 16, 32], strides: 1, pad: 'valid', simd: 0 }, // the second: XNNPACK
    { x: [2, 28, 28, 1], k: [5, 5, 1, 16], strides: 1, pad: 'same', simd: 0 }, // padded: XNNPACK
    { x: [2, 28, 28, 1], k: [5, 5, 1, 16], strides: 2, pad: 'valid', simd: 0 }, // strided: XNNPACK
  ] as const)(
    'filter gradient of x=$x k=$k strides=$strides pad=$pad takes the SIMD kernel $simd time(s)',
    async (c) => {
      const spy = jest.spyOn(SimdKernels.prototype, 'filterGradC1');
      try {
        await onBothBackends(() => [
          tf.grad((w: tf.Tensor) =>
            tf.sum(
              tf.conv2d(tf.tensor(seeded([...c.x], 1), [...c.x]) as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad),
            ),
          )(tf.tensor(seeded([...c.k], 2), [...c.k])),
        ]);
        expect(spy).toHaveBeenCalledTimes(c.simd);
      } finally {
        spy.mockRestore();
      }
    },
  );
});
