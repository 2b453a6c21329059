import * as tf from '@tensorflow/tfjs';
import { addChannels } from '../../src/kernels/bias-add';
import { maxRelativeError, onBothBackends, seeded, useWasmAndCpu } from './against-cpu';

type Case = { a: number[]; b: number[]; what: string };

const cases: Case[] = [
  { a: [3, 24, 24, 16], b: [16], what: 'the first convolution’s bias' },
  { a: [2, 8, 8, 32], b: [1, 1, 1, 32], what: 'a bias reshaped to rank 4' },
  { a: [5, 12], b: [12], what: 'a dense bias' },
  { a: [2, 3, 3, 10], b: [10], what: 'channels not a multiple of 8' },
  { a: [4], b: [2, 3, 4], what: 'the vector first' },
  { a: [2, 3], b: [2, 1], what: 'a column, not a channel vector (stock kernel)' },
  { a: [4, 6], b: [4, 6], what: 'same shapes (stock kernel)' },
  { a: [3, 1], b: [1], what: 'one channel' },
  { a: [1, 16], b: [16], what: 'a vector as large as the tensor (stock kernel)' },
];

describe('wasm Add (per-channel vector added along the last axis)', () => {
  beforeAll(useWasmAndCpu);

  it.each(cases)('matches the cpu backend: $what, a=$a b=$b', async ({ a, b }) => {
    const [sum] = await onBothBackends(() => [tf.add(tf.tensor(seeded(a, 31), a), tf.tensor(seeded(b, 32), b))]);
    expect(sum!.shape).toEqual(tf.tidy(() => tf.add(tf.zeros(a), tf.zeros(b)).shape));
    expect(maxRelativeError(sum!.cpu, sum!.wasm)).toBe(0); // one float32 addition either way
  });

  it('gives a bias the same gradient as cpu (through a layer’s bias add)', async () => {
    const [dx, dBias] = await onBothBackends(() => {
      const r = tf.tensor(seeded([2, 6, 6, 16], 33), [2, 6, 6, 16]);
      const loss = (x: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(x, bias)), r));
      return tf.grads(loss)([tf.tensor(seeded([2, 6, 6, 16], 34), [2, 6, 6, 16]), tf.tensor(seeded([16], 35), [16])]);
    });
    expect(maxRelativeError(dx!.cpu, dx!.wasm)).toBeLessThan(2e-4);
    expect(maxRelativeError(dBias!.cpu, dBias!.wasm)).toBeLessThan(2e-4);
  });

  it('keeps integer additions exact (stock kernel)', async () => {
    await tf.setBackend('wasm');
    const out = tf.add(
      tf.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        'int32',
      ),
      tf.tensor([10, 20], undefined, 'int32'),
    );
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([11, 22, 13, 24]);
    out.dispose();
  });
});

describe('addChannels', () => {
  it.each([1, 7, 8, 16, 19, 32])('adds channel c of the bias to every element c mod %i', (channels) => {
    const x = seeded([5, channels], 36);
    const bias = seeded([channels], 37);
    const out = new Float32Array(x.length);
    addChannels(x, bias, out);
    expect(out).toEqual(x.map((v, i) => v + bias[i % channels]!));
  });
});
