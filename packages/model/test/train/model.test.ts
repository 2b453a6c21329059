import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../../src/model-files';
import {
  buildClassifier,
  joinMembers,
  memberSeed,
  membersOf,
  widthOf,
  WEIGHTS_PER_MEMBER,
} from '../../src/train/model';
import type { ModelMetadata } from '@digits/common';

const METADATA: ModelMetadata = {
  hyperparameters: { ensemble: 2 },
  trainRows: 10,
  testRows: 5,
  testAccuracy: 0.5,
  perClassAccuracy: Array<number>(10).fill(0.5),
  confusionMatrix: Array.from({ length: 10 }, () => Array<number>(10).fill(0)),
  trainingSeconds: 1,
  trainedAt: '2026-12-02T00:00:00.000Z',
  versions: { '@tensorflow/tfjs': tf.version.tfjs },
  backend: 'cpu',
  input: { shape: [28, 28, 1], scale: '0..1' },
};

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const images = (n: number, seed: number) => tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;

/** One member's own softmax, read from inside the ensemble's graph. */
function memberOutput(model: tf.LayersModel, i: number, x: tf.Tensor): Float32Array {
  const member = tf.model({ inputs: model.inputs, outputs: model.getLayer(`m${i}_probabilities`).output });
  return (member.predict(x) as tf.Tensor).dataSync() as Float32Array;
}

describe('buildClassifier', () => {
  it('one member: the classifier as it always was (layer names, 8 weight tensors, softmax rows)', () => {
    const { model } = buildClassifier(1);
    expect(model.layers.map((l) => l.name)).toEqual([
      'image',
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'flatten',
      'dense',
      'logits',
      'probabilities',
    ]);
    expect(model.getWeights()).toHaveLength(WEIGHTS_PER_MEMBER);
    expect(membersOf(model)).toBe(1);
    const p = (model.predict(images(4, 1)) as tf.Tensor).sum(1).dataSync();
    for (const row of p) expect(row).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('an ensemble answers the mean of its members, each from its own initial weights', () => {
    const { model, trainLogits, trainableVariables } = buildClassifier(7, 3);
    expect(model.getWeights()).toHaveLength(3 * WEIGHTS_PER_MEMBER);
    expect(trainableVariables()).toHaveLength(3 * WEIGHTS_PER_MEMBER);
    expect(membersOf(model)).toBe(3);
    const x = images(5, 2);
    const members = [0, 1, 2].map((i) => memberOutput(model, i, x));
    const answer = (model.predict(x) as tf.Tensor).dataSync();
    for (let k = 0; k < answer.length; k++)
      expect(answer[k]).toBeCloseTo((members[0]![k]! + members[1]![k]! + members[2]![k]!) / 3, 6);
    // Different starting points: the members disagree before training.
    expect(Array.from(members[1]!)).not.toEqual(Array.from(members[0]!));
    const [conv1a, conv1b] = [model.getLayer('m0_conv1'), model.getLayer('m1_conv1')].map(
      (l) => l.getWeights()[0]!.dataSync() as Float32Array,
    );
    expect(Array.from(conv1b!)).not.toEqual(Array.from(conv1a!));
    // Training sees each member's logits, one [batch, 10] tensor each.
    expect(trainLogits(x, 3).map((t) => t.shape)).toEqual([
      [5, 10],
      [5, 10],
      [5, 10],
    ]);
    model.dispose();
  });

  it('the first member of an ensemble starts where the single classifier of the same seed starts', () => {
    const single = buildClassifier(11).model;
    const ensemble = buildClassifier(11, 2).model;
    for (const name of ['conv1', 'conv2', 'dense', 'logits']) {
      const a = single.getLayer(name).getWeights();
      const b = ensemble.getLayer(`m0_${name}`).getWeights();
      expect(b.map((w) => Array.from(w.dataSync()))).toEqual(a.map((w) => Array.from(w.dataSync())));
    }
  });

  it('an ensemble saves and loads as one model answering the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ensemble-'));
    try {
      const { model } = buildClassifier(3, 2);
      await saveModel(model, dir, METADATA);
      const { model: loaded } = await loadModel(dir);
      expect(membersOf(loaded)).toBe(2);
      const x = images(3, 4);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (loaded.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('joins single networks into one ensemble answering the mean of theirs', () => {
    const singles = [5, 6, 7].map((seed) => buildClassifier(seed).model);
    const joined = joinMembers(singles, 5);
    expect(membersOf(joined)).toBe(3);
    const x = images(4, 9);
    const each = singles.map((m) => (m.predict(x) as tf.Tensor).dataSync());
    const answer = (joined.predict(x) as tf.Tensor).dataSync();
    for (let k = 0; k < answer.length; k++)
      expect(answer[k]).toBeCloseTo((each[0]![k]! + each[1]![k]! + each[2]![k]!) / 3, 6);
    // A member of buildClassifier(s, n) starts as buildClassifier(memberSeed(s, i)) alone.
    const [alone, within] = [buildClassifier(memberSeed(5, 2)).model, buildClassifier(5, 3).model];
    expect(Array.from(within.getLayer('m2_conv2').getWeights()[0]!.dataSync())).toEqual(
      Array.from(alone.getLayer('conv2').getWeights()[0]!.dataSync()),
    );
  });

  it('training drops units at the given rates, seeded; no dropout trains on the saved model’s own logits', () => {
    const x = images(6, 5);
    const logitsOf = (model: tf.LayersModel) =>
      tf.model({ inputs: model.inputs, outputs: model.getLayer('logits').output }).predict(x) as tf.Tensor;
    const none = buildClassifier(2, 1, 1, { conv: 0, dense: 0 });
    expect(Array.from(none.trainLogits(x, 9)[0]!.dataSync())).toEqual(Array.from(logitsOf(none.model).dataSync()));
    const some = buildClassifier(2, 1, 1, { conv: 0.1, dense: 0.3 });
    const [a, b] = [some.trainLogits(x, 9)[0]!, some.trainLogits(x, 9)[0]!];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(logitsOf(some.model).dataSync()));
    expect(Array.from(some.trainLogits(x, 10)[0]!.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(() => buildClassifier(1, 1, 1, { conv: 1, dense: 0.5 })).toThrow(
      'dropout conv must be from 0 to below 1, got 1',
    );
    expect(() => buildClassifier(1, 1, 1, { conv: 0.25, dense: NaN })).toThrow(RangeError);
  });

  it('width multiplies every layer’s filters and units, and a saved model tells its width', () => {
    const { model } = buildClassifier(1, 2, 2);
    expect(model.getLayer('m1_conv1').getWeights()[0]!.shape).toEqual([5, 5, 1, 32]);
    expect(model.getLayer('m1_conv2').getWeights()[0]!.shape).toEqual([5, 5, 32, 64]);
    expect(model.getLayer('m1_dense').getWeights()[0]!.shape).toEqual([1024, 256]);
    expect([widthOf(model), membersOf(model)]).toEqual([2, 2]);
    expect(widthOf(buildClassifier(1).model)).toBe(1);
    expect(() => buildClassifier(1, 1, 5)).toThrow('width must be an integer from 1 to 4, got 5');
  });

  it('refuses a member count outside 1–5', () => {
    expect(() => buildClassifier(1, 0)).toThrow('members must be an integer from 1 to 5, got 0');
    expect(() => buildClassifier(1, 6)).toThrow(RangeError);
  });
});
