/**
 * The classifier: an ~80k-parameter CNN (conv16 5×5 → pool → conv32 5×5 → pool → dropout →
 * dense128 → dropout → 10); `width` multiplies its filters and units (width 2: ~317k parameters).
 * The saved model ends in softmax and has no dropout layers; training runs the same layers on
 * logits with seeded dropout, so a fixed seed reproduces a run.
 *
 * An ensemble (`members` > 1, hyperparameter `ensemble`) is that many such networks in one graph,
 * each from its own initial weights: the saved model answers the mean of their softmaxes, so one
 * endpoint serves it as it serves one network.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, NUM_CLASSES } from '@digits/common';

export const INPUT_SHAPE: [number, number, number] = [IMAGE_SIDE, IMAGE_SIDE, 1];
/** Training's dropout rates: after the second pool (`conv`) and after the dense layer (`dense`). */
export interface DropoutRates {
  conv: number;
  dense: number;
}
export const DEFAULT_DROPOUT: Readonly<DropoutRates> = { conv: 0.25, dense: 0.5 };
/** Weight tensors of one network: a kernel and a bias for each of conv1, conv2, dense, logits. */
export const WEIGHTS_PER_MEMBER = 8;
export const MAX_MEMBERS = 5;
/** Filters and units of the width-1 network; `width` multiplies them all. */
const CONV1_FILTERS = 16;
const CONV2_FILTERS = 32;
const DENSE_UNITS = 128;
export const MAX_WIDTH = 4;

export interface Classifier {
  /** Input [batch, 28, 28, 1] in 0..1 → softmax [batch, 10]: what is saved and served. */
  model: tf.LayersModel;
  /** Training forward pass: each member's logits, with dropout drawn from `dropoutSeed`. */
  trainLogits(x: tf.Tensor4D, dropoutSeed: number): tf.Tensor2D[];
  trainableVariables(): tf.Variable[];
}

interface Member {
  layers: tf.layers.Layer[]; // conv1, pool1, conv2, pool2, flatten, dense, logits
  probabilities: tf.SymbolicTensor;
}

/**
 * `members` networks (1: the plain classifier, whose layer names and initial weights are what
 * they always were; more: member i's layers are prefixed `m<i>_` and its seeds start at seed + 101·i).
 */
export function buildClassifier(
  seed: number,
  members = 1,
  width = 1,
  dropout: Readonly<DropoutRates> = DEFAULT_DROPOUT,
): Classifier {
  if (!Number.isInteger(members) || members < 1 || members > MAX_MEMBERS)
    throw new RangeError(`members must be an integer from 1 to ${MAX_MEMBERS}, got ${members}`);
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH)
    throw new RangeError(`width must be an integer from 1 to ${MAX_WIDTH}, got ${width}`);
  for (const [where, rate] of Object.entries(dropout))
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout ${where} must be from 0 to below 1, got ${rate}`);
  const input = tf.input({ shape: INPUT_SHAPE, name: 'image' });
  const nets = Array.from({ length: members }, (_, i) =>
    buildMember(input, memberSeed(seed, i), members === 1 ? '' : `m${i}_`, width),
  );
  const output =
    members === 1
      ? nets[0]!.probabilities
      : (tf.layers.average({ name: 'probabilities' }).apply(nets.map((n) => n.probabilities)) as tf.SymbolicTensor);
  const model = tf.model({
    inputs: input,
    outputs: output,
    name: members === 1 ? 'digits_cnn' : 'digits_cnn_ensemble',
  });

  const apply = (layer: tf.layers.Layer, x: tf.Tensor) => layer.apply(x) as tf.Tensor;
  return {
    model,
    trainLogits(x, dropoutSeed) {
      return nets.map(({ layers: [conv1, pool1, conv2, pool2, flatten, dense, logits] }, i) => {
        // Members far apart in dropout seeds, so no two share a mask at nearby steps.
        const s = dropoutSeed + 104_729 * i;
        let h = apply(pool2!, apply(conv2!, apply(pool1!, apply(conv1!, x))));
        h = tf.dropout(h, dropout.conv, undefined, s);
        h = tf.dropout(apply(dense!, apply(flatten!, h)), dropout.dense, undefined, s + 1);
        return apply(logits!, h) as tf.Tensor2D;
      });
    },
    trainableVariables: () => model.trainableWeights.map((w) => w.read() as tf.Variable),
  };
}

/** The seed member `i` of an ensemble built from `seed` starts from (buildClassifier(memberSeed(s, i)) is that member alone). */
export const memberSeed = (seed: number, i: number): number => seed + 101 * i;

const WEIGHTED_LAYERS = ['conv1', 'conv2', 'dense', 'logits'];

/**
 * One ensemble model from single networks trained on their own: member i's weights go into the
 * ensemble's `m<i>_` layers. The result is what buildClassifier(seed, n).model would be after training.
 */
export function joinMembers(members: tf.LayersModel[], seed: number, width = 1): tf.LayersModel {
  const { model } = buildClassifier(seed, members.length, width);
  members.forEach((member, i) => {
    for (const name of WEIGHTED_LAYERS) model.getLayer(`m${i}_${name}`).setWeights(member.getLayer(name).getWeights());
  });
  return model;
}

/** How many members a saved classifier holds (its weight count), or undefined if it is not one of ours. */
export function membersOf(model: tf.LayersModel): number | undefined {
  const n = model.getWeights().length / WEIGHTS_PER_MEMBER;
  return Number.isInteger(n) && n >= 1 && n <= MAX_MEMBERS ? n : undefined;
}

/** A saved classifier's width (its first convolution's filters / 16), or undefined if it is not one of ours. */
export function widthOf(model: tf.LayersModel): number | undefined {
  const filters = model.getWeights()[0]?.shape[3];
  const w = filters === undefined ? NaN : filters / CONV1_FILTERS;
  return Number.isInteger(w) && w >= 1 && w <= MAX_WIDTH ? w : undefined;
}

function buildMember(input: tf.SymbolicTensor, seed: number, prefix: string, width: number): Member {
  let next = seed;
  const init = () => tf.initializers.heNormal({ seed: next++ });
  const conv1 = tf.layers.conv2d({
    filters: CONV1_FILTERS * width,
    kernelSize: 5,
    activation: 'relu',
    kernelInitializer: init(),
    name: `${prefix}conv1`,
  });
  const pool1 = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${prefix}pool1` });
  const conv2 = tf.layers.conv2d({
    filters: CONV2_FILTERS * width,
    kernelSize: 5,
    activation: 'relu',
    kernelInitializer: init(),
    name: `${prefix}conv2`,
  });
  const pool2 = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${prefix}pool2` });
  const flatten = tf.layers.flatten({ name: `${prefix}flatten` });
  const dense = tf.layers.dense({
    units: DENSE_UNITS * width,
    activation: 'relu',
    kernelInitializer: init(),
    name: `${prefix}dense`,
  });
  const logits = tf.layers.dense({
    units: NUM_CLASSES,
    kernelInitializer: tf.initializers.glorotUniform({ seed: next++ }),
    name: `${prefix}logits`,
  });
  const layers = [conv1, pool1, conv2, pool2, flatten, dense, logits];
  let h: tf.SymbolicTensor = input;
  for (const layer of layers) h = layer.apply(h) as tf.SymbolicTensor;
  // Unprefixed, the single network's softmax keeps its old name; an ensemble's average takes it.
  const probabilities = tf.layers
    .activation({ activation: 'softmax', name: `${prefix}probabilities` })
    .apply(h) as tf.SymbolicTensor;
  return { layers, probabilities };
}
