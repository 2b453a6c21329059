/** Training on corrections: init weights from model.tar.gz, a replay sample, held-out scores of both. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { METRIC_DEFINITIONS, PIXELS, encodeCsvRows, type LabelledImages } from '@digits/common';
import { runTraining, TrainingInputError, type TrainingResult } from '../../src/train';
import * as tf from '@tensorflow/tfjs';
import {
  blendWeights,
  copyOfWeights,
  correctionRepeats,
  mixTrainingRows,
  pairedChanges,
  sampleRows,
} from '../../src/train/feedback';
import { readMnist, writeTrainingFolder } from './sagemaker-folder';
import { loadModel } from '../../src/model-files';
import { membersOf } from '../../src/train/model';

/** MNIST digits mirrored left to right: a "style" the init model mostly gets wrong. */
function mirrored(data: LabelledImages, from: number, to: number): LabelledImages {
  const rows = to - from;
  const pixels = new Uint8Array(rows * PIXELS);
  for (let r = 0; r < rows; r++)
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++)
        pixels[r * PIXELS + y * 28 + x] = data.pixels[(from + r) * PIXELS + y * 28 + 27 - x]!;
  return { pixels, labels: data.labels.slice(from, to), rows };
}

async function writeChannel(root: string, channel: string, data: LabelledImages): Promise<void> {
  const dir = join(root, 'input', 'data', channel);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'part-00000.csv'),
    encodeCsvRows({ images: data.pixels, labels: data.labels }, 0, data.rows),
  );
}

describe('training on corrections', () => {
  const roots: string[] = [];
  const newRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), 'feedback-test-'));
    roots.push(root);
    return root;
  };
  afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

  let initTarball: string;
  /** A corrections job folder: 300 mirrored digits to learn, 100 held out, MNIST to replay. */
  const correctionsJob = async (hyperparameters: Record<string, string>, withInit = true, tarball?: string) => {
    const root = await newRoot();
    const test = await readMnist('test', 400);
    await mkdir(join(root, 'input', 'config'), { recursive: true });
    // No robustness scoring: not what these tests are about, and slow under jest (train.test.ts).
    await writeFile(
      join(root, 'input', 'config', 'hyperparameters.json'),
      JSON.stringify({ robustness_images: '0', ...hyperparameters }),
    );
    await writeChannel(root, 'train', mirrored(test, 0, 300));
    await writeChannel(root, 'test', mirrored(test, 300, 400));
    await writeChannel(root, 'replay', await readMnist('train', 4000));
    if (withInit) {
      await mkdir(join(root, 'input', 'data', 'init'), { recursive: true });
      await writeFile(join(root, 'input', 'data', 'init', 'model.tar.gz'), await readTarball(tarball ?? initTarball));
    }
    return root;
  };
  const readTarball = (file: string) => import('node:fs/promises').then((fs) => fs.readFile(file));
  /** An init model trained on MNIST rows in a folder of its own, and its model.tar.gz as an init channel holds it. */
  const trainInit = async (trainRows: number, testRows: number, hyperparameters: Record<string, string>) => {
    const root = await newRoot();
    await writeTrainingFolder(root, { trainRows, testRows, hyperparameters });
    const result = await runTraining({ mlRoot: root, log: () => {} });
    const tarball = join(root, 'model.tar.gz');
    await createTar({ gzip: true, file: tarball, cwd: result.modelDir }, ['.']);
    return { result, tarball };
  };

  beforeAll(async () => {
    ({ tarball: initTarball } = await trainInit(3000, 200, {
      epochs: '2',
      seed: '3',
      robustness_images: '0',
    }));
  }, 120_000);

  describe('fine-tuning the init model', () => {
    let result: TrainingResult;
    const lines: string[] = [];
    beforeAll(async () => {
      const root = await correctionsJob({
        init_model: 'digits-test--mnist-abc-a1',
        replay_rows: '1000',
        epochs: '2',
        learning_rate: '0.001',
        seed: '5',
        init_weight_share: '0.3',
      });
      result = await runTraining({ mlRoot: root, log: (l) => lines.push(l) });
    }, 120_000);

    it('scores the init weights and the candidate on the same held-out corrections; the candidate learnt the style', () => {
      const f = result.metadata.feedback!;
      expect(f).toMatchObject({
        initModel: 'digits-test--mnist-abc-a1',
        corrections: 300,
        heldOut: 100,
        replayRows: 1000,
      });
      expect(f.heldOutAccuracy).toBe(result.metadata.testAccuracy);
      expect(f.initHeldOutAccuracy).not.toBeNull();
      // (with 0.3 of the init weights averaged back in, which costs some of the gain)
      expect(f.heldOutAccuracy).toBeGreaterThan(f.initHeldOutAccuracy! + 0.05);
      // The images that changed, counted one by one, add up to the two accuracies' difference.
      expect(f.fixed).toBeGreaterThan(f.broken!);
      expect((f.fixed! - f.broken!) / f.heldOut).toBeCloseTo(f.heldOutAccuracy - f.initHeldOutAccuracy!, 6);
      expect(result.metadata.hyperparameters).toMatchObject({
        init_model: 'digits-test--mnist-abc-a1',
        from_scratch: 'false',
        replay_rows: 1000,
        init_weight_share: 0.3,
      });
      // The scores are those of the blended weights, the model saved.
      const blended = lines.find((l) => l.startsWith('final weights: 0.3 init + 0.7 fine-tuned'));
      expect(blended).toMatch(/^final weights: 0\.3 init \+ 0\.7 fine-tuned: test_loss=[0-9.]+ test_accuracy=/);
      // ... and the last test_accuracy SageMaker captures (the gate's report) is the saved model's.
      const captured = lines.flatMap((l) => [...l.matchAll(/test_accuracy=([0-9.]+)/g)].map((m) => m[1]));
      expect(captured.at(-1)).toBe(f.heldOutAccuracy.toFixed(4));
    });

    it('prints the held-out accuracies on a line METRIC_DEFINITIONS capture, each under its own name', () => {
      const line = lines.find((l) => l.startsWith('held_out_accuracy='))!;
      const captured = Object.fromEntries(
        METRIC_DEFINITIONS.map((d) => [d.Name, new RegExp(d.Regex).exec(line)?.[1]]).filter(([, v]) => v),
      );
      const f = result.metadata.feedback!;
      expect(Number(captured.held_out_accuracy)).toBeCloseTo(f.heldOutAccuracy, 4);
      expect(Number(captured.init_held_out_accuracy)).toBeCloseTo(f.initHeldOutAccuracy!, 4);
    });
  });

  it('from_scratch=true scores the init model without starting from it', async () => {
    const root = await correctionsJob({ init_model: 'm', from_scratch: 'true', replay_rows: '200', epochs: '1' });
    const { metadata } = await runTraining({ mlRoot: root, log: () => {} });
    expect(metadata.feedback!.initHeldOutAccuracy).not.toBeNull();
    // 1 epoch on 500 rows from random weights is far from the init model's MNIST knowledge.
    expect(metadata.hyperparameters.from_scratch).toBe('true');
  }, 60_000);

  it('fine-tunes an ensemble init as an ensemble: every member, recorded, whatever the job asks', async () => {
    const { result: ensembleInit, tarball } = await trainInit(600, 100, {
      epochs: '1',
      seed: '3',
      ensemble: '2',
      robustness_images: '0',
    });
    expect(ensembleInit.metadata.hyperparameters.ensemble).toBe(2);

    // The stage's fine-tune settings need not name the ensemble (ensemble=1 here): the live model's shape wins.
    const root = await correctionsJob(
      { init_model: 'e', replay_rows: '200', epochs: '1', ensemble: '1', init_weight_share: '0.5' },
      true,
      tarball,
    );
    const result = await runTraining({ mlRoot: root, log: () => {} });
    expect(result.metadata.hyperparameters.ensemble).toBe(2);
    const { model } = await loadModel(result.modelDir);
    expect(membersOf(model)).toBe(2);
    expect(result.metadata.feedback!.initHeldOutAccuracy).not.toBeNull();
    // from_scratch=true builds what the job asks for, the init model only scored.
    const scratch = await correctionsJob(
      { init_model: 'e', from_scratch: 'true', replay_rows: '200', epochs: '1' },
      true,
      tarball,
    );
    const fresh = await runTraining({ mlRoot: scratch, log: () => {} });
    expect(fresh.metadata.hyperparameters.ensemble).toBeUndefined();
    expect(membersOf((await loadModel(fresh.modelDir)).model)).toBe(1);
  }, 120_000);

  it('fine-tunes an init saved with test-time shifts: its network’s weights, saved with the job’s shifts', async () => {
    const { result: viewedInit, tarball } = await trainInit(600, 100, {
      epochs: '1',
      seed: '3',
      test_time_shifts: 'cross',
      robustness_images: '0',
    });
    const job = (shifts: string) =>
      correctionsJob(
        { init_model: 'v', replay_rows: '200', epochs: '1', learning_rate: '0.000001', test_time_shifts: shifts },
        true,
        tarball,
      );

    const viewed = await runTraining({ mlRoot: await job('cross'), log: () => {} });
    const { model } = await loadModel(viewed.modelDir);
    expect(model.layers.map((l) => l.name)).toContain('view_mean');
    // At a negligible learning rate the fine-tuned weights are the init network's, so the scores match.
    const init = (await loadModel(viewedInit.modelDir)).model;
    const [tuned, start] = [model, init].map((m) => m.getWeights().map((w) => w.dataSync()));
    const largestChange = Math.max(...tuned!.map((w, i) => Math.max(...w.map((v, k) => Math.abs(v - start![i]![k]!)))));
    expect(start!.length).toBe(8);
    expect(largestChange).toBeLessThan(1e-3);
    expect(viewed.metadata.feedback!.heldOutAccuracy).toBeCloseTo(viewed.metadata.feedback!.initHeldOutAccuracy!, 2);
    // The job's hyperparameters decide the saved model's views, not the init's.
    const plain = await runTraining({ mlRoot: await job('none'), log: () => {} });
    const plainModel = (await loadModel(plain.modelDir)).model;
    expect(plainModel.layers.map((l) => l.name)).not.toContain('view_mean');
    expect(plain.metadata.hyperparameters).not.toHaveProperty('test_time_shifts');
  }, 120_000);

  it('refuses init_model without an init channel, naming the channel', async () => {
    const root = await correctionsJob({ init_model: 'm', epochs: '1' }, false);
    await expect(runTraining({ mlRoot: root, log: () => {} })).rejects.toThrow(TrainingInputError);
    await expect(runTraining({ mlRoot: root, log: () => {} })).rejects.toThrow('channel init is missing');
  }, 30_000);
});

describe('the replay sample and the mix', () => {
  const data = (rows: number): LabelledImages => ({
    pixels: Uint8Array.from({ length: rows * PIXELS }, (_, i) => Math.floor(i / PIXELS) % 256),
    labels: Uint8Array.from({ length: rows }, (_, i) => i % 10),
    rows,
  });

  it('samples distinct rows, the same ones for the same seed, different for another', () => {
    const a = sampleRows(data(100), 30, 1);
    expect(a.rows).toBe(30);
    const firstPixels = (s: LabelledImages) => Array.from({ length: s.rows }, (_, r) => s.pixels[r * PIXELS]);
    expect(new Set(firstPixels(a)).size).toBe(30);
    expect(firstPixels(sampleRows(data(100), 30, 1))).toEqual(firstPixels(a));
    expect(firstPixels(sampleRows(data(100), 30, 2))).not.toEqual(firstPixels(a));
    expect(sampleRows(data(10), 30, 1).rows).toBe(10);
  });

  it('repeats corrections to about their share of an epoch, and mixes them before the replayed rows', () => {
    expect(correctionRepeats(100, 2000, 0.2)).toBe(5);
    expect(correctionRepeats(100, 2000, 0.5)).toBe(20);
    expect(correctionRepeats(2000, 100, 0.2)).toBe(1);
    expect(correctionRepeats(50, 0, 0.2)).toBe(1);
    const mixed = mixTrainingRows({ ...data(2), files: [] }, data(3), 2);
    expect(mixed.rows).toBe(7);
    expect(Array.from(mixed.labels)).toEqual([0, 1, 0, 1, 0, 1, 2]);
  });
});

describe('pairedChanges', () => {
  it('counts the images the candidate fixed and broke against the init model', () => {
    const labels = Uint8Array.from([1, 2, 3, 4, 5]);
    const init = Uint8Array.from([1, 0, 0, 4, 0]);
    const candidate = Uint8Array.from([0, 2, 3, 4, 0]);
    expect(pairedChanges(init, candidate, labels)).toEqual({ fixed: 2, broken: 1 });
  });
});

describe('copyOfWeights and blendWeights', () => {
  it('keeps the init weights while training changes the model, then averages them in by share', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], useBias: true })] });
    const init = copyOfWeights(model);
    const before = init.map((w) => Array.from(w.dataSync()));
    const optimizer = tf.train.sgd(0.5);
    optimizer.minimize(() => tf.losses.meanSquaredError(tf.ones([4, 2]), model.predict(tf.ones([4, 3])) as tf.Tensor));
    const trained = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(init.map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(trained[0]).not.toEqual(before[0]);

    blendWeights(model, init, 0.25);
    model.getWeights().forEach((w, i) => {
      const expected = trained[i]!.map((t, k) => 0.75 * t + 0.25 * before[i]![k]!);
      Array.from(w.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    });
  });
});
