import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../../src/model-files';
import { buildClassifier, membersOf, widthOf } from '../../src/train/model';
import { METADATA } from '../serve/tiny-model';
import { isShiftSet, SHIFT_SETS, withShiftViews, type Shift } from '../../src/train/shift-views';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

/** The definition: ink moves dx right and dy down; what enters the frame is background (0). */
function shiftImages(x: Float32Array, n: number, [dx, dy]: Shift): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < 28; y++)
      for (let c = 0; c < 28; c++) {
        const [sy, sx] = [y - dy, c - dx];
        if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28) out[i * 784 + y * 28 + c] = x[i * 784 + sy * 28 + sx]!;
      }
  return out;
}

const predict = (model: tf.LayersModel, x: Float32Array, n: number) =>
  (model.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array;

function images(n: number, seed: number): Float32Array {
  return tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed).dataSync() as Float32Array;
}

describe('withShiftViews', () => {
  it.each(Object.keys(SHIFT_SETS).filter((name) => name !== 'none'))(
    '%s: answers the mean of the softmaxes over the plain and each shifted image',
    (name) => {
      const shifts = SHIFT_SETS[name as keyof typeof SHIFT_SETS];
      const { model } = buildClassifier(3);
      const n = 4;
      const x = images(n, 1);
      const views = [x, ...shifts.map((s) => shiftImages(x, n, s))].map((v) => predict(model, v, n));
      const wrapped = withShiftViews(model, shifts);
      const answer = predict(wrapped, x, n);
      for (let k = 0; k < answer.length; k++) {
        const mean = views.reduce((sum, v) => sum + v[k]!, 0) / views.length;
        expect(answer[k]).toBeCloseTo(mean, 6);
      }
      model.dispose();
    },
  );

  it('moves ink the way the shift says, filling with background', () => {
    // A probe model that answers its input's pixels, so the mean of two views shows the shifted one.
    const x = new Float32Array(784);
    x[5 * 28 + 27] = 1; // row 5, last column: shifted right it leaves the frame
    x[0 * 28 + 3] = 0.5; // first row: shifted down it moves to row 1
    expect(shiftImages(x, 1, [1, 0]).reduce((a, b) => a + b)).toBeCloseTo(0.5);
    expect(shiftImages(x, 1, [0, 1])[1 * 28 + 3]).toBe(0.5);
    const input = tf.input({ shape: [28, 28, 1] });
    const flat = tf.model({ inputs: input, outputs: tf.layers.flatten().apply(input) as tf.SymbolicTensor });
    for (const shift of SHIFT_SETS.square) {
      // The flattened view of the one shifted branch equals the definition's.
      const wrapped = withShiftViews(flat, [shift]);
      const both = predict(wrapped, x, 1);
      const expected = shiftImages(x, 1, shift).map((v, i) => (v + x[i]!) / 2);
      expect(Array.from(both)).toEqual(Array.from(expected));
    }
  });

  it('no shifts: the model itself', () => {
    const { model } = buildClassifier(1);
    expect(withShiftViews(model, SHIFT_SETS.none)).toBe(model);
  });

  it('keeps the classifier’s weights, in order, and saves and loads as one model answering the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shift-views-'));
    try {
      const { model } = buildClassifier(5, 2, 2);
      const wrapped = withShiftViews(model, SHIFT_SETS.cross);
      expect(wrapped.getWeights().map((w) => w.shape)).toEqual(model.getWeights().map((w) => w.shape));
      expect([membersOf(wrapped), widthOf(wrapped)]).toEqual([2, 2]);
      await saveModel(wrapped, dir, METADATA);
      const { model: loaded } = await loadModel(dir);
      const x = images(3, 2);
      expect(Array.from(predict(loaded, x, 3))).toEqual(Array.from(predict(wrapped, x, 3)));
      // A corrections job copies weights by order into a plain classifier: they are the plain ones.
      const plain = buildClassifier(9, 2, 2).model;
      plain.setWeights(loaded.getWeights());
      expect(Array.from(predict(plain, x, 3))).toEqual(Array.from(predict(model, x, 3)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses shifts that are not whole pixels, too far, or none', () => {
    const { model } = buildClassifier(1);
    expect(() => withShiftViews(model, [[0.5, 0]])).toThrow(
      'a shift is whole pixels up to 4, not both 0, got [0.5, 0]',
    );
    expect(() => withShiftViews(model, [[5, 0]])).toThrow(RangeError);
    expect(() => withShiftViews(model, [[0, 0]])).toThrow(RangeError);
  });

  it('names the sets', () => {
    expect(isShiftSet('cross')).toBe(true);
    expect(isShiftSet('toString')).toBe(false);
    expect(SHIFT_SETS.square).toHaveLength(8);
  });
});
