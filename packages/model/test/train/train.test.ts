import { mkdtemp, readFile, rm, writeFile, appendFile, access } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_DEFINITIONS, ML_ROOT_ENV, PIXELS } from '@digits/common';
import { loadModel } from '../../src/model-files';
import { runTraining, trainMain, type TrainingResult } from '../../src/train';
import { evaluate } from '../../src/train/fit';
import { PNG_CORRUPTIONS, SUITE_VERSION } from '../../src/robust/corruptions';
import { memberSeed, membersOf } from '../../src/train/model';
import { SHIFT_SETS, withShiftViews } from '../../src/train/shift-views';
import { scoreModelRobustness } from '../../src/robust/model-scores';
import { readMnist, writeTrainingFolder } from './sagemaker-folder';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

const withoutTimes = (line: string) => line.replace(/ robustness_seconds=\S+/, '');

describe('train (SageMaker container contract) on real MNIST rows', () => {
  const roots: string[] = [];
  const newRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), 'train-test-'));
    roots.push(root);
    return root;
  };
  afterAll(async () => {
    await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
  });
  /** A run on 300 training and 100 test rows: its result, its log lines and the model saved. */
  const run = async (hyperparameters: Record<string, string>) => {
    const root = await newRoot();
    await writeTrainingFolder(root, { trainRows: 300, testRows: 100, hyperparameters });
    const lines: string[] = [];
    const result = await runTraining({ mlRoot: root, log: (l) => lines.push(l) });
    return { result, lines, model: (await loadModel(result.modelDir)).model };
  };

  describe('a successful run (2000 train / 500 test rows, 3 epochs, seed 1)', () => {
    let root: string;
    let result: TrainingResult;
    const lines: string[] = [];

    beforeAll(async () => {
      root = await newRoot();
      await writeTrainingFolder(root, {
        trainRows: 2000,
        testRows: 500,
        // 20 robustness images, not the default 100: under jest (its vm context slows the
        // corruption and PNG loops ~10×) 100 take over a minute, outside it ~3 s.
        hyperparameters: {
          epochs: '3',
          seed: '1',
          dataset: 'mnist',
          dataset_version: 'v-test',
          robustness_images: '20',
        },
      });
      result = await runTraining({ mlRoot: root, log: (l) => lines.push(l) });
    }, 120_000);

    it('learns: test accuracy far above what an untrained model reaches (~10%)', () => {
      expect(result.metadata.testAccuracy).toBeGreaterThan(0.8);
      expect(result.metadata.perClassAccuracy.every((a) => a > 0.4)).toBe(true);
    });

    it('prints one metric line per epoch that every MetricDefinitions regex captures', () => {
      const metricLines = lines.filter((l) => /^epoch=/.test(l));
      expect(metricLines).toHaveLength(3);
      metricLines.forEach((line, i) => {
        expect(line).toMatch(
          /^epoch=\d+ train_loss=\d\.\d{4} train_accuracy=\d\.\d{4} test_loss=\d\.\d{4} test_accuracy=\d\.\d{4}$/,
        );
        const captured = Object.fromEntries(
          METRIC_DEFINITIONS.map((d) => [d.Name, Number(new RegExp(d.Regex).exec(line)?.[1])]),
        );
        expect(captured.epoch).toBe(i + 1);
        for (const name of ['train_loss', 'train_accuracy', 'test_loss', 'test_accuracy'])
          expect(Number.isFinite(captured[name])).toBe(true);
      });
      // The last captured test_accuracy (SageMaker's final value) is the model's.
      const all = lines.join('\n').match(/test_accuracy=([0-9.]+)/g)!;
      expect(Number(all[all.length - 1]!.split('=')[1])).toBeCloseTo(result.metadata.testAccuracy, 4);
    });

    it('writes metadata naming the data, hyperparameters and results', () => {
      const m = result.metadata;
      expect(m.dataManifest).toEqual({ dataset: 'mnist', version: 'v-test' });
      expect(m.hyperparameters).toMatchObject({ epochs: 3, seed: 1, batch_size: 128, learning_rate: 0.003 });
      expect(m.trainRows).toBe(2000);
      expect(m.testRows).toBe(500);
      expect(m.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(500);
      expect(m.backend).toBe('wasm');
      expect(m.versions['@tensorflow/tfjs']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(m.input).toEqual({ shape: [28, 28, 1], scale: '0..1' });
      expect(m.trainingSeconds).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(m.trainedAt))).toBe(false);
    });

    it('scores its robustness on a seeded subset of the test rows (no reference set) and records it', () => {
      const r = result.metadata.robustness!;
      expect(r).toMatchObject({ suite: SUITE_VERSION, source: 'test', images: 20 });
      expect(Object.keys(r.corruptions)).toEqual(PNG_CORRUPTIONS.map((c) => c.name));
      const values = Object.values(r.corruptions);
      expect(r.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 3);
      // A model that learnt: the clean uploads well above chance, and the corruptions cost accuracy.
      expect(r.clean).toBeGreaterThan(0.6);
      expect(r.mean).toBeLessThan(r.clean);
      const line = lines.find((l) => l.startsWith('robustness_mean='));
      expect(line).toMatch(
        /^robustness_mean=\d\.\d{4} robustness_clean=\d\.\d{4} robustness_worst=[a-z0-9-]+:\d\.\d{4} robustness_images=20 robustness_suite=\S+ robustness_seconds=[\d.]+$/,
      );
    });

    it('saves a model loadModel reads back, which scores what the metadata says on the test rows', async () => {
      const { model, metadata } = await loadModel(join(root, 'model'));
      expect(metadata).toEqual(result.metadata);
      expect(model.outputs[0]!.shape).toEqual([null, 10]);
      const test = await readMnist('test', 500);
      expect(evaluate(model, test).accuracy).toBeCloseTo(metadata.testAccuracy, 6);
      expect(await exists(join(root, 'output', 'failure'))).toBe(false);
    });
  });

  it('is reproducible: the same seed gives the same metrics (augmentation included), and records it', async () => {
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const root = await newRoot();
      await writeTrainingFolder(root, {
        trainRows: 300,
        testRows: 100,
        hyperparameters: { epochs: '1', seed: '5', robustness_images: '10', augment_lowres: '0.5' },
      });
      const lines: string[] = [];
      const result = await runTraining({ mlRoot: root, log: (l) => lines.push(l) });
      expect(result.metadata.hyperparameters).toMatchObject({ augment_lowres: 0.5, augment_rotation: 0 });
      runs.push(lines.filter((l) => l.startsWith('epoch=') || l.startsWith('robustness_mean=')).map(withoutTimes));
    }
    expect(runs[0]).toHaveLength(2);
    expect(runs[1]).toEqual(runs[0]);
  }, 60_000);

  it('ensemble: trains each member as its own run of its own seed, then saves them joined', async () => {
    const common = { epochs: '1', augment_rotation: '10', robustness_images: '0' };
    const ensemble = await run({ ...common, seed: '4', ensemble: '2' });
    const second = await run({ ...common, seed: String(memberSeed(4, 1)) });

    expect(ensemble.result.metadata.hyperparameters).toMatchObject({ ensemble: 2, seed: 4 });
    expect(membersOf(ensemble.model)).toBe(2);
    // Member 2 is exactly the single run of its seed: same weights after the same shuffle, dropout and augmentation.
    expect(Array.from(ensemble.model.getLayer('m1_dense').getWeights()[0]!.dataSync())).toEqual(
      Array.from(second.model.getLayer('dense').getWeights()[0]!.dataSync()),
    );
    const memberLines = ensemble.lines.filter((l) => /^member=\d\/2 epoch=/.test(l));
    expect(memberLines).toHaveLength(2);
    // The last test_accuracy SageMaker captures is the ensemble's, the model saved.
    const captured = ensemble.lines.flatMap((l) => [...l.matchAll(/test_accuracy=([0-9.]+)/g)].map((m) => m[1]));
    expect(ensemble.lines.find((l) => l.startsWith('ensemble of 2: '))).toBeDefined();
    expect(captured.at(-1)).toBe(ensemble.result.metadata.testAccuracy.toFixed(4));
    const test = await readMnist('test', 100);
    expect(evaluate(ensemble.model, test).accuracy).toBeCloseTo(ensemble.result.metadata.testAccuracy, 6);
  }, 120_000);

  it('test-time shifts: saves the plain run’s weights answering over the views, scored and reported as saved', async () => {
    const common = { epochs: '1', seed: '6', robustness_images: '5', dropout_conv: '0.1', dropout_dense: '0.3' };
    const plain = await run(common);
    const views = await run({ ...common, test_time_shifts: 'horizontal' });

    expect(views.result.metadata.hyperparameters).toMatchObject({
      test_time_shifts: 'horizontal',
      dropout_conv: 0.1,
      dropout_dense: 0.3,
    });
    expect(plain.result.metadata.hyperparameters).not.toHaveProperty('test_time_shifts');
    // The same training run (the per-epoch lines score the plain network), then wrapped.
    const epochLines = (lines: string[]) => lines.filter((l) => l.startsWith('epoch=')).map(withoutTimes);
    expect(epochLines(views.lines)).toEqual(epochLines(plain.lines));
    expect(views.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      plain.model.getWeights().map((w) => Array.from(w.dataSync())),
    );
    const x = tf.tensor4d(
      Float32Array.from((await readMnist('test', 3)).pixels, (v) => v / 255),
      [3, 28, 28, 1],
    );
    const expected = withShiftViews(plain.model, SHIFT_SETS.horizontal).predict(x) as tf.Tensor;
    expect(Array.from((views.model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
    // The last test_accuracy SageMaker captures, the metadata and the robustness report are the saved model's.
    const captured = views.lines.flatMap((l) => [...l.matchAll(/test_accuracy=([0-9.]+)/g)].map((m) => m[1]));
    expect(views.lines.find((l) => l.startsWith('test-time shifts horizontal (3 views): '))).toBeDefined();
    expect(captured.at(-1)).toBe(views.result.metadata.testAccuracy.toFixed(4));
    const test = await readMnist('test', 100);
    expect(evaluate(views.model, test).accuracy).toBeCloseTo(views.result.metadata.testAccuracy, 6);
    expect(views.result.metadata.robustness?.clean).toBeCloseTo(
      (await scoreModelRobustness(views.model, test, 'test', 5)).clean,
      6,
    );
  }, 120_000);

  describe('failures: reason in output/failure, non-zero exit', () => {
    async function expectFailure(root: string, message: string): Promise<void> {
      await expect(runTraining({ mlRoot: root, log: () => {} })).rejects.toThrow(message);
      expect(await readFile(join(root, 'output', 'failure'), 'utf8')).toContain(message);
      expect(await exists(join(root, 'model', 'model.json'))).toBe(false);
    }

    it('bad hyperparameter: names it, and trainMain returns a non-zero exit code', async () => {
      const root = await newRoot();
      await writeTrainingFolder(root, { trainRows: 10, testRows: 10, hyperparameters: { epochs: 'many' } });
      await expectFailure(root, 'hyperparameter epochs="many"');

      const previous = process.env[ML_ROOT_ENV];
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      process.env[ML_ROOT_ENV] = root;
      try {
        expect(await trainMain()).not.toBe(0);
      } finally {
        stderr.mockRestore();
        if (previous === undefined) delete process.env[ML_ROOT_ENV];
        else process.env[ML_ROOT_ENV] = previous;
      }
    });

    it('missing channel: names the channel and folder', async () => {
      const root = await newRoot();
      await writeTrainingFolder(root, { trainRows: 10, testRows: 10 });
      await rm(join(root, 'input', 'data', 'test'), { recursive: true });
      await expectFailure(root, `channel test is missing: no folder ${join(root, 'input', 'data', 'test')}`);
    });

    it('malformed CSV: names the file and line', async () => {
      const root = await newRoot();
      await writeTrainingFolder(root, { trainRows: 10, testRows: 10, shards: 1 });
      await appendFile(
        join(root, 'input', 'data', 'train', 'part-00000.csv'),
        `3,${Array(PIXELS - 1)
          .fill(0)
          .join(',')}\n`,
      );
      await expectFailure(root, 'input/data/train/part-00000.csv:11: 784 columns, expected 785');
    });

    it('a channel with no CSV files', async () => {
      const root = await newRoot();
      await writeTrainingFolder(root, { trainRows: 10, testRows: 10, shards: 1 });
      await rm(join(root, 'input', 'data', 'train', 'part-00000.csv'));
      await writeFile(join(root, 'input', 'data', 'train', 'manifest.json'), '{}');
      await expectFailure(root, 'channel train: no .csv files');
    });
  });
});
