import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_METADATA_FILE, type ModelMetadata } from '@digits/common';
import { loadModel, saveModel, MODEL_JSON_FILE, WEIGHTS_FILE } from '../src/model-files';

function smallModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

const metadata: ModelMetadata = {
  hyperparameters: { epochs: 1 },
  trainRows: 10,
  testRows: 5,
  testAccuracy: 0.5,
  perClassAccuracy: Array(10).fill(0.5),
  confusionMatrix: Array.from({ length: 10 }, () => Array(10).fill(0)),
  trainingSeconds: 1,
  trainedAt: '2024-01-01T00:00:00.000Z',
  versions: { '@tensorflow/tfjs': tf.version.tfjs },
  backend: 'cpu',
  input: { shape: [28, 28, 1], scale: '0..1' },
};

describe('saveModel / loadModel', () => {
  let dir: string;
  beforeAll(async () => {
    tf.env().set('PROD', true); // no "install tfjs-node" hint
    await tf.setBackend('cpu');
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the weights and metadata: the loaded model predicts exactly the same', async () => {
    // Prepare
    const model = smallModel();
    const input = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);
    const before = (model.predict(input) as tf.Tensor).arraySync();

    // Act
    await saveModel(model, dir, metadata);
    const loaded = await loadModel(dir);

    // Assess
    expect((loaded.model.predict(input) as tf.Tensor).arraySync()).toEqual(before);
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON_FILE), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual([`./${WEIGHTS_FILE}`]);
  });

  it.each([MODEL_JSON_FILE, WEIGHTS_FILE, MODEL_METADATA_FILE])('names the missing file %s', async (file) => {
    await saveModel(smallModel(), dir, metadata);
    await unlink(join(dir, file));
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, file)}: missing`);
  });

  it('rejects truncated weights, naming the weights file', async () => {
    await saveModel(smallModel(), dir, metadata);
    await truncate(join(dir, WEIGHTS_FILE), 100);
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, WEIGHTS_FILE)}: 100 bytes`);
  });

  it('rejects metadata that is not JSON or lacks the test accuracy', async () => {
    await saveModel(smallModel(), dir, metadata);
    await writeFile(join(dir, MODEL_METADATA_FILE), '{oops');
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, MODEL_METADATA_FILE)}: not valid JSON`);
    await writeFile(join(dir, MODEL_METADATA_FILE), JSON.stringify({ ...metadata, testAccuracy: 'high' }));
    await expect(loadModel(dir)).rejects.toThrow('testAccuracy');
  });
});
