import * as tf from '@tensorflow/tfjs';
import { seeded, useWasmAndCpu } from './against-cpu';

describe('wasm Identity and same-dtype Cast share memory instead of copying', () => {
  beforeAll(async () => {
    await useWasmAndCpu();
    await tf.setBackend('wasm');
  });

  it('a clone shares its source’s memory, and outlives the source', () => {
    const values = seeded([4, 6, 6, 8], 51);
    const x = tf.tensor(values, [4, 6, 6, 8]);
    const before = tf.memory().numBytes;
    const copy = tf.clone(x);
    // Shared: one buffer counted twice by the backend, not a second allocation.
    expect(copy.dataId).toBe(x.dataId);
    expect(tf.engine().backend.refCount(x.dataId)).toBe(2);
    expect(tf.memory().numBytes).toBe(before + values.byteLength);
    x.dispose();
    expect(copy.dataSync()).toEqual(values);
    copy.dispose();
  });

  it('casting to the dtype a tensor has shares its memory; another dtype converts', () => {
    const x = tf.tensor([1.5, -2.25, 3], [3], 'float32');
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    expect(tf.engine().backend.refCount(x.dataId)).toBe(2);
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([x, same, ints]);
  });

  it('a clone of a variable keeps its values when the variable is assigned (assign rebinds, never writes in place)', () => {
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot]);
  });

  it('releases the memory when both tensors are disposed', () => {
    const start = tf.memory().numDataBuffers;
    const x = tf.tensor(seeded([64], 52), [64]);
    const y = tf.clone(x);
    x.dispose();
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(start);
  });
});
