/** startTraining for the corrections dataset: fine-tune the live model, replaying its original data. */
import { CreateTrainingJobCommand, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, modelRecordKey, type LivePointer, type ModelRecord } from '@digits/common';
import { TrainingRequestError } from '../src/errors';
import { startTraining, type StartTrainingDeps } from '../src/start-training';
import {
  ARTIFACTS,
  PROCESSED,
  TRAINING_SETTINGS,
  fakeS3,
  fakeSageMaker,
  manifest,
  memoryLogger,
  putManifest,
  type FakeS3,
  type FakeSageMaker,
} from './aws-fakes';

let s3: FakeS3;
let sm: FakeSageMaker;
let deps: StartTrainingDeps;
beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  deps = { s3: s3.client, sagemaker: sm.client, settings: TRAINING_SETTINGS, logger: memoryLogger() };
});
const created = (): CreateTrainingJobRequest[] =>
  sm.mock.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input);

const MNIST = manifest('mnist', 'v-00000000000000aa');
const CORRECTIONS = manifest('corrections', 'v-00000000000000bb');
const artifactOf = (job: string) => `s3://${ARTIFACTS}/training/${job}/output/model.tar.gz`;

function putRecord(name: string, dataset: string, version: string, initModel?: string) {
  const record: Partial<ModelRecord> = {
    trainingJobName: name,
    status: 'Completed',
    dataset,
    datasetVersion: version,
    metrics: {},
    modelArtifact: artifactOf(name),
    gate: { deploy: true, reason: 'ok' },
    recordedAt: '2026-01-01T00:00:00.000Z',
    ...(initModel
      ? {
          feedback: {
            initModel,
            corrections: 8,
            heldOut: 2,
            heldOutAccuracy: 1,
            initHeldOutAccuracy: 0.5,
            replayRows: 100,
          },
        }
      : {}),
  };
  s3.put(ARTIFACTS, modelRecordKey(name), record);
}
function putLive(name: string) {
  const entry = { trainingJobName: name, modelName: name, endpointConfigName: name, testAccuracy: 0.99 };
  const live: LivePointer = { ...entry, deployedAt: '2026-01-01T00:00:00.000Z', endpointName: 'e', history: [] };
  s3.put(ARTIFACTS, REGISTRY_LIVE_KEY, live);
}

describe('startTraining on corrections', () => {
  beforeEach(() => {
    putManifest(s3, MNIST);
    putManifest(s3, CORRECTIONS);
  });

  it('starts from the live model (init channel) and replays its training data (replay channel) with fine-tuning hyperparameters', async () => {
    putRecord('digits-test--mnist-a1', 'mnist', MNIST.version);
    putLive('digits-test--mnist-a1');

    const result = await startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps);

    expect(result.status).toBe('started');
    const req = created()[0]!;
    expect(req.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri])).toEqual([
      ['train', `s3://${PROCESSED}/corrections/${CORRECTIONS.version}/train/`],
      ['test', `s3://${PROCESSED}/corrections/${CORRECTIONS.version}/test/`],
      ['init', artifactOf('digits-test--mnist-a1')],
      ['replay', `s3://${PROCESSED}/mnist/${MNIST.version}/train/`],
    ]);
    expect(req.HyperParameters).toEqual({
      ...TRAINING_SETTINGS.defaultHyperparameters,
      ...TRAINING_SETTINGS.fineTuneHyperparameters,
      dataset: 'corrections',
      dataset_version: CORRECTIONS.version,
      init_model: 'digits-test--mnist-a1',
    });
    expect(req.Tags).toContainEqual({ Key: 'digits:init-model', Value: 'digits-test--mnist-a1' });
  });

  it('lets a caller override the fine-tuning hyperparameters (from_scratch too), but not the init model', async () => {
    putRecord('digits-test--mnist-a1', 'mnist', MNIST.version);
    putLive('digits-test--mnist-a1');
    await startTraining(
      { dataset: 'corrections', version: CORRECTIONS.version, hyperparameters: { from_scratch: 'true', epochs: 5 } },
      deps,
    );
    expect(created()[0]!.HyperParameters).toMatchObject({ from_scratch: 'true', epochs: '5', replay_rows: '6000' });
    await expect(
      startTraining(
        { dataset: 'corrections', version: CORRECTIONS.version, hyperparameters: { init_model: 'other' } },
        deps,
      ),
    ).rejects.toThrow('hyperparameter "init_model" is set by the training service');
  });

  it('learns a corrections version once: a new live model does not rename (and so restart) its job', async () => {
    putRecord('digits-test--mnist-a1', 'mnist', MNIST.version);
    putLive('digits-test--mnist-a1');
    const first = await startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps);
    putRecord(first.trainingJobName, 'corrections', CORRECTIONS.version, 'digits-test--mnist-a1');
    putLive(first.trainingJobName);

    const again = await startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps);

    expect(again).toMatchObject({ trainingJobName: first.trainingJobName, status: 'already-started' });
    expect(created()).toHaveLength(1);
  });

  it('a model fine-tuned before replays the data its line started from, not corrections', async () => {
    putRecord('digits-test--mnist-a1', 'mnist', MNIST.version);
    putRecord('digits-test--corrections-1', 'corrections', 'v-0000000000000001', 'digits-test--mnist-a1');
    putLive('digits-test--corrections-1');

    await startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps);

    const channels = created()[0]!.InputDataConfig!.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri]);
    expect(channels).toContainEqual(['init', artifactOf('digits-test--corrections-1')]);
    expect(channels).toContainEqual(['replay', `s3://${PROCESSED}/mnist/${MNIST.version}/train/`]);
  });

  it.each([
    ['no model is live', () => {}, 'no model is live: corrections fine-tune the live model'],
    [
      'the live model has no record',
      () => putLive('digits-test--gone'),
      'the live model digits-test--gone has no registry record',
    ],
    [
      'the replayed data is no longer stored',
      () => {
        putRecord('digits-test--mnist-a1', 'mnist', 'v-00000000000000cc');
        putLive('digits-test--mnist-a1');
      },
      'no manifest at',
    ],
  ])('refuses clearly (permanent, no job) when %s', async (_what, arrange, message) => {
    arrange();
    const attempt = startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps);
    await expect(attempt).rejects.toThrow(TrainingRequestError);
    await expect(startTraining({ dataset: 'corrections', version: CORRECTIONS.version }, deps)).rejects.toThrow(
      message,
    );
    expect(created()).toHaveLength(0);
  });
});
