import * as tf from '@tensorflow/tfjs';
import { sumChannels } from '../../src/kernels/channel-sum';
import { maxRelativeError, onBothBackends, seeded, useWasmAndCpu } from './against-cpu';

type Case = { x: number[]; axis: number | number[] | null; keepDims: boolean; what: string };

const cases: Case[] = [
  { x: [3, 24, 24, 16], axis: [0, 1, 2], keepDims: false, what: 'the first convolution’s bias gradient' },
  { x: [4, 8, 8, 32], axis: [2, 0, 1], keepDims: true, what: 'axes out of order, dims kept' },
  { x: [6, 12], axis: 0, keepDims: false, what: 'a dense bias gradient' },
  { x: [2, 5, 5, 10], axis: [-4, -3, -2], keepDims: false, what: 'negative axes, channels not a multiple of 8' },
  { x: [0, 8], axis: 0, keepDims: false, what: 'no rows: zeros' },
  { x: [3, 4, 5], axis: [1, 2], keepDims: false, what: 'the innermost axes (stock kernel)' },
  { x: [3, 4, 5], axis: [0, 2], keepDims: false, what: 'not only the leading axes (stock kernel)' },
  { x: [3, 4, 5], axis: null, keepDims: false, what: 'every axis (stock kernel)' },
  { x: [7], axis: 0, keepDims: false, what: 'a vector (stock kernel)' },
];

describe('wasm Sum over every axis but the last', () => {
  beforeAll(useWasmAndCpu);

  it.each(cases)(
    'matches the cpu backend: $what, x=$x axis=$axis keepDims=$keepDims',
    async ({ x, axis, keepDims }) => {
      const [sum] = await onBothBackends(() => [tf.sum(tf.tensor(seeded(x, 41), x), axis ?? undefined, keepDims)]);
      expect(sum!.shape).toEqual(tf.tidy(() => tf.sum(tf.zeros(x), axis ?? undefined, keepDims).shape));
      expect(maxRelativeError(sum!.cpu, sum!.wasm)).toBeLessThan(2e-4);
    },
  );

  it('sums integers as integers (stock kernel)', async () => {
    await tf.setBackend('wasm');
    const out = tf.sum(
      tf.tensor(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        undefined,
        'int32',
      ),
      0,
    );
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([9, 12]);
    out.dispose();
  });
});

describe('sumChannels', () => {
  it.each([1, 7, 8, 16, 19, 32])('sums every element c mod %i into channel c', (channels) => {
    const x = seeded([9, channels], 42);
    const out = new Float32Array(channels);
    sumChannels(x, out);
    const expected = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let r = 0; r < 9; r++) s += x[r * channels + c]!;
      expected[c] = s;
    }
    expect(out).toEqual(expected);
  });
});
