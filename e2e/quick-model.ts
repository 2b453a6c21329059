/**
 * A small model actually trained on real MNIST (softmax regression over the 784 pixels, seeded),
 * saved the way training saves one, for the integration test and `pnpm bench:predict`. It trains
 * in seconds and reaches ~90% on the test set: enough to tell digits apart, not the product model.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- trains a seconds-long softmax model for the e2e tests; packages/model trains only the product CNN (minutes)
import * as tf from '@tensorflow/tfjs';
import type { ModelMetadata, Split } from '@digits/common';
import { saveModel } from '@digits/model';
import { mnistSamples } from '@digits/test-kit';

export interface QuickModel {
  modelDir: string;
  metadata: ModelMetadata;
}

async function rows(split: Split, count: number): Promise<{ x: tf.Tensor; y: tf.Tensor }> {
  const samples = await mnistSamples(split, count);
  const pixels = Float32Array.from(samples.flatMap((s) => Array.from(s.pixels, (v) => v / 255)));
  const y = tf.oneHot(
    tf.tensor1d(
      samples.map((s) => s.label),
      'int32',
    ),
    10,
  );
  return { x: tf.tensor4d(pixels, [count, 28, 28, 1]), y };
}

/** Train on `trainRows` MNIST training images (call initBackend first) and save to a temp folder. */
export async function trainQuickModel({ trainRows = 6000, testRows = 1000, epochs = 4 } = {}): Promise<QuickModel> {
  const started = performance.now();
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  model.add(
    tf.layers.dense({
      units: 10,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const train = await rows('train', trainRows);
  const test = await rows('test', testRows);
  await model.fit(train.x, train.y, { epochs, batchSize: 128, shuffle: false, verbose: 0 });
  const predicted = tf.tidy(() => (model.predict(test.x) as tf.Tensor).argMax(1));
  const actual = tf.tidy(() => test.y.argMax(1));
  const [p, a] = [await predicted.data(), await actual.data()];
  tf.dispose([train.x, train.y, test.x, test.y, predicted, actual]);
  // confusionMatrix[actual][predicted], as training reports it.
  const confusionMatrix = Array.from({ length: 10 }, () => Array<number>(10).fill(0));
  for (let i = 0; i < testRows; i++) confusionMatrix[a[i]!]![p[i]!]! += 1;
  const perClassAccuracy = confusionMatrix.map(
    (row, d) =>
      row[d]! /
      Math.max(
        1,
        row.reduce((x, y) => x + y, 0),
      ),
  );
  const testAccuracy = confusionMatrix.reduce((sum, row, d) => sum + row[d]!, 0) / testRows;

  const metadata: ModelMetadata = {
    hyperparameters: { epochs, learning_rate: 0.01, model: 'softmax-regression' },
    trainRows,
    testRows,
    testAccuracy,
    perClassAccuracy,
    confusionMatrix,
    trainingSeconds: (performance.now() - started) / 1000,
    trainedAt: new Date().toISOString(),
    versions: { '@tensorflow/tfjs': tf.version.tfjs },
    backend: tf.getBackend(),
    input: { shape: [28, 28, 1], scale: '0..1' },
  };
  const modelDir = join(await mkdtemp(join(tmpdir(), 'inference-model-')), 'model');
  await saveModel(model, modelDir, metadata);
  model.dispose();
  return { modelDir, metadata };
}
