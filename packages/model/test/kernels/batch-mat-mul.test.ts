import * as tf from '@tensorflow/tfjs';
import { maxRelativeError, onBothBackends, seeded, useWasmAndCpu } from './against-cpu';

type Case = { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean };

const cases: Case[] = [
  { a: [512, 128], b: [512, 10], transposeA: true, transposeB: false }, // dense weight gradient xᵀ·dy
  { a: [128, 10], b: [128, 10], transposeA: false, transposeB: true }, // dense input gradient dy·Wᵀ
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [3, 6, 4], b: [3, 6, 5], transposeA: true, transposeB: false }, // batched
  { a: [2, 4, 6], b: [1, 5, 6], transposeA: false, transposeB: true }, // batched, broadcast b
  { a: [4, 6], b: [6, 3], transposeA: false, transposeB: false }, // untouched stock path
];

describe('wasm BatchMatMul (explicit transpose first)', () => {
  beforeAll(useWasmAndCpu);

  it.each(cases)(
    'matches the cpu backend for a=$a b=$b transposeA=$transposeA transposeB=$transposeB',
    async ({ a, b, transposeA, transposeB }) => {
      const as = seeded(a, 21);
      const bs = seeded(b, 22);
      const [out] = await onBothBackends(() => [tf.matMul(tf.tensor(as, a), tf.tensor(bs, b), transposeA, transposeB)]);
      expect(maxRelativeError(out!.cpu, out!.wasm)).toBeLessThan(2e-4);
    },
  );

  it('gives the dense layer the same gradients as cpu', async () => {
    const [dw, dx] = await onBothBackends(() => {
      const r = tf.tensor(seeded([16, 10], 23), [16, 10]);
      const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, w), r));
      return tf
        .grads(loss)([tf.tensor(seeded([16, 32], 24), [16, 32]), tf.tensor(seeded([32, 10], 25), [32, 10])])
        .reverse();
    });
    expect(maxRelativeError(dw!.cpu, dw!.wasm)).toBeLessThan(2e-4);
    expect(maxRelativeError(dx!.cpu, dx!.wasm)).toBeLessThan(2e-4);
  });
});
