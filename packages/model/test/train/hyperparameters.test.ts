import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAINING_CONFIG, readHyperparameters, resolveTrainingConfig } from '../../src/train/hyperparameters';

describe('hyperparameters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hp-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the defaults when none are given (SageMaker writes {}; a local run may have no file)', async () => {
    expect(resolveTrainingConfig(await readHyperparameters(join(dir, 'missing.json')))).toEqual(
      DEFAULT_TRAINING_CONFIG,
    );
    await writeFile(join(dir, 'hp.json'), '{}');
    expect(resolveTrainingConfig(await readHyperparameters(join(dir, 'hp.json')))).toEqual(DEFAULT_TRAINING_CONFIG);
  });

  it('parses the string values SageMaker passes, ignoring its own sagemaker_* entries', async () => {
    await writeFile(
      join(dir, 'hp.json'),
      JSON.stringify({
        epochs: '3',
        batch_size: '64',
        learning_rate: '1e-3',
        seed: '7',
        max_rows: '1000',
        max_test_rows: '200',
        dataset: 'mnist',
        dataset_version: 'v-1',
        augment_rotation: '10',
        augment_shear: '0.2',
        augment_scale: '0.1',
        augment_shift: '2',
        augment_lowres: '0.3',
        augment_blur: '1.5',
        augment_noise: '0.2',
        augment_elastic: '1.5',
        label_smoothing: '0.1',
        dropout_conv: '0',
        dropout_dense: '0.3',
        test_time_shifts: 'cross',
        ensemble: '3',
        width: '2',
        robustness_images: '0',
        init_model: 'digits-local--mnist-abc-a1',
        from_scratch: 'true',
        replay_rows: '500',
        corrections_share: '0.35',
        init_weight_share: '0.3',
        sagemaker_region: 'eu-west-1',
      }),
    );
    expect(resolveTrainingConfig(await readHyperparameters(join(dir, 'hp.json')))).toEqual({
      epochs: 3,
      batchSize: 64,
      learningRate: 0.001,
      seed: 7,
      maxRows: 1000,
      maxTestRows: 200,
      dataset: 'mnist',
      datasetVersion: 'v-1',
      augment: {
        rotationDegrees: 10,
        shear: 0.2,
        scale: 0.1,
        shiftPixels: 2,
        lowresProbability: 0.3,
        blurSigma: 1.5,
        noiseSigma: 0.2,
        elasticPixels: 1.5,
      },
      labelSmoothing: 0.1,
      dropout: { conv: 0, dense: 0.3 },
      testTimeShifts: 'cross',
      ensemble: 3,
      width: 2,
      robustnessImages: 0,
      initModel: 'digits-local--mnist-abc-a1',
      fromScratch: true,
      replayRows: 500,
      correctionsShare: 0.35,
      initWeightShare: 0.3,
    });
  });

  it.each([
    [{ epochs: '0' }, 'hyperparameter epochs="0" must be an integer from 1 to 1000'],
    [{ epochs: 'five' }, 'hyperparameter epochs="five"'],
    [{ batch_size: '12.5' }, 'hyperparameter batch_size="12.5"'],
    [{ learning_rate: '0' }, 'hyperparameter learning_rate="0" must be a number above 0'],
    [{ learning_rate: 'fast' }, 'hyperparameter learning_rate="fast"'],
    [{ seed: '-1' }, 'hyperparameter seed="-1"'],
    [{ max_rows: '' }, 'hyperparameter max_rows=""'],
    [{ dataset: '' }, 'hyperparameter dataset must be a non-empty string'],
    [{ augment_rotation: '90' }, 'hyperparameter augment_rotation="90" must be a number from 0 to 45'],
    [{ augment_shift: '-1' }, 'hyperparameter augment_shift="-1" must be a number from 0 to 8'],
    [{ augment_scale: 'lots' }, 'hyperparameter augment_scale="lots"'],
    [{ augment_lowres: '1.5' }, 'hyperparameter augment_lowres="1.5" must be a number from 0 to 1'],
    [{ augment_lowres: '-0.1' }, 'hyperparameter augment_lowres="-0.1" must be a number from 0 to 1'],
    [{ augment_lowres: 'often' }, 'hyperparameter augment_lowres="often"'],
    [{ augment_blur: '4' }, 'hyperparameter augment_blur="4" must be a number from 0 to 3'],
    [{ augment_noise: '0.6' }, 'hyperparameter augment_noise="0.6" must be a number from 0 to 0.5'],
    [{ augment_elastic: '5' }, 'hyperparameter augment_elastic="5" must be a number from 0 to 4'],
    [{ augment_elastic: 'wobbly' }, 'hyperparameter augment_elastic="wobbly"'],
    [{ label_smoothing: '0.5' }, 'hyperparameter label_smoothing="0.5" must be a number from 0 to 0.3'],
    [{ dropout_conv: '1' }, 'hyperparameter dropout_conv="1" must be a number from 0 to 0.9'],
    [{ dropout_dense: '-0.1' }, 'hyperparameter dropout_dense="-0.1" must be a number from 0 to 0.9'],
    [{ dropout_dense: 'half' }, 'hyperparameter dropout_dense="half"'],
    [
      { test_time_shifts: 'all' },
      'hyperparameter test_time_shifts="all" must be one of none, horizontal, cross, diagonal, square',
    ],
    [{ test_time_shifts: 'constructor' }, 'hyperparameter test_time_shifts="constructor" must be one of'],
    [{ ensemble: '0' }, 'hyperparameter ensemble="0" must be an integer from 1 to 5'],
    [{ ensemble: '6' }, 'hyperparameter ensemble="6" must be an integer from 1 to 5'],
    [{ ensemble: '2.5' }, 'hyperparameter ensemble="2.5"'],
    [{ width: '5' }, 'hyperparameter width="5" must be an integer from 1 to 4'],
    [{ width: '0' }, 'hyperparameter width="0" must be an integer from 1 to 4'],
    [{ robustness_images: '10001' }, 'hyperparameter robustness_images="10001" must be an integer from 0 to 10000'],
    [{ robustness_images: 'some' }, 'hyperparameter robustness_images="some"'],
    [{ from_scratch: 'yes' }, 'hyperparameter from_scratch="yes" must be "true" or "false"'],
    [{ replay_rows: '-5' }, 'hyperparameter replay_rows="-5" must be an integer from 0'],
    [{ corrections_share: '1' }, 'hyperparameter corrections_share="1" must be a number above 0 and at most 0.9'],
    [{ init_weight_share: '1' }, 'hyperparameter init_weight_share="1" must be a number from 0 to 0.9'],
    [{ corrections_share: '0' }, 'hyperparameter corrections_share="0"'],
    [{ init_model: ' ' }, 'hyperparameter init_model must be a non-empty string'],
  ])('rejects %j naming the value', (hp, message) => {
    expect(() => resolveTrainingConfig(hp)).toThrow(message);
  });

  it('rejects unknown names (a typo must not train with defaults), non-string values and bad JSON', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify({ epoch: '3' }));
    await expect(readHyperparameters(join(dir, 'a.json'))).rejects.toThrow('unknown hyperparameter "epoch"');
    await writeFile(join(dir, 'b.json'), JSON.stringify({ epochs: ['3'] }));
    await expect(readHyperparameters(join(dir, 'b.json'))).rejects.toThrow('hyperparameter epochs must be a string');
    await writeFile(join(dir, 'c.json'), '{epochs: 3');
    await expect(readHyperparameters(join(dir, 'c.json'))).rejects.toThrow(`${join(dir, 'c.json')} is not valid JSON`);
  });
});
