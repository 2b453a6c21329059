/** A tiny (untrained, seeded) classifier saved the way training saves one, and MNIST samples. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '@digits/common';
import { mnistTestSamples } from '@digits/test-kit';
import { saveModel } from '../../src/model-files';

export const METADATA: ModelMetadata = {
  hyperparameters: { epochs: 0 },
  trainRows: 0,
  testRows: 0,
  testAccuracy: 0.1,
  perClassAccuracy: Array(10).fill(0.1),
  confusionMatrix: Array.from({ length: 10 }, () => Array(10).fill(0)),
  trainingSeconds: 0,
  trainedAt: '2024-01-01T00:00:00.000Z',
  versions: { '@tensorflow/tfjs': tf.version.tfjs },
  backend: 'test',
  input: { shape: [28, 28, 1], scale: '0..1' },
};

export function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  model.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 4,
      kernelSize: 5,
      strides: 2,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }));
  return model;
}

/** An ML root holding model/ (model.json, weights.bin, metadata.json). */
export async function mlRootWithModel(model = tinyModel()): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'serve-ml-'));
  await saveModel(model, join(root, 'model'), METADATA);
  return root;
}

/** The first `count` MNIST test images as 0..255 byte arrays. */
export async function mnistDigits(count: number): Promise<Uint8Array[]> {
  return (await mnistTestSamples(count)).map((sample) => sample.pixels);
}
