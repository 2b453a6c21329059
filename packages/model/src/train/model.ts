/**
 * The classifier: an ~80k-parameter CNN (conv16 5×5 → pool → conv32 5×5 → pool → dropout →
 * dense128 → dropout → 10). The saved model ends in softmax and has no dropout layers; training
 * runs the same layers on logits with seeded dropout, so a fixed seed reproduces a run.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, NUM_CLASSES } from '@digits/common';

export const INPUT_SHAPE: [number, number, number] = [IMAGE_SIDE, IMAGE_SIDE, 1];
const DROPOUT_AFTER_CONV = 0.25;
const DROPOUT_AFTER_DENSE = 0.5;

export interface Classifier {
  /** Input [batch, 28, 28, 1] in 0..1 → softmax [batch, 10]: what is saved and served. */
  model: tf.LayersModel;
  /** Training forward pass: logits, with dropout drawn from `dropoutSeed`. */
  trainLogits(x: tf.Tensor4D, dropoutSeed: number): tf.Tensor2D;
  trainableVariables(): tf.Variable[];
}

export function buildClassifier(seed: number): Classifier {
  let next = seed;
  const init = () => tf.initializers.heNormal({ seed: next++ });
  const conv1 = tf.layers.conv2d({
    filters: 16,
    kernelSize: 5,
    activation: 'relu',
    kernelInitializer: init(),
    name: 'conv1',
  });
  const pool1 = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' });
  const conv2 = tf.layers.conv2d({
    filters: 32,
    kernelSize: 5,
    activation: 'relu',
    kernelInitializer: init(),
    name: 'conv2',
  });
  const pool2 = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' });
  const flatten = tf.layers.flatten({ name: 'flatten' });
  const dense = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: 'dense' });
  const logits = tf.layers.dense({
    units: NUM_CLASSES,
    kernelInitializer: tf.initializers.glorotUniform({ seed: next++ }),
    name: 'logits',
  });

  const input = tf.input({ shape: INPUT_SHAPE, name: 'image' });
  const features = flatten.apply(pool2.apply(conv2.apply(pool1.apply(conv1.apply(input))))) as tf.SymbolicTensor;
  const probabilities = tf.layers
    .activation({ activation: 'softmax', name: 'probabilities' })
    .apply(logits.apply(dense.apply(features))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: probabilities, name: 'digits_cnn' });

  const apply = (layer: tf.layers.Layer, x: tf.Tensor) => layer.apply(x) as tf.Tensor;
  return {
    model,
    trainLogits(x, dropoutSeed) {
      let h = apply(pool2, apply(conv2, apply(pool1, apply(conv1, x))));
      h = tf.dropout(h, DROPOUT_AFTER_CONV, undefined, dropoutSeed);
      h = tf.dropout(apply(dense, apply(flatten, h)), DROPOUT_AFTER_DENSE, undefined, dropoutSeed + 1);
      return apply(logits, h) as tf.Tensor2D;
    },
    trainableVariables: () => model.trainableWeights.map((w) => w.read() as tf.Variable),
  };
}
