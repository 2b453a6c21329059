import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  type CreateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker';
import {
  METRIC_DEFINITIONS,
  REFERENCE_POINTER_KEY,
  manifestKey,
  referenceManifestKey,
  type ReferencePointer,
} from '@digits/common';
import { TrainingRequestError } from '../src/errors';
import { onStartTraining } from '../src/invocations';
import { parseStartTrainingInput, startTraining, type StartTrainingDeps } from '../src/start-training';
import {
  ARTIFACTS,
  IMAGE,
  PROCESSED,
  ROLE_ARN,
  fakeS3,
  fakeSageMaker,
  manifest,
  memoryLogger,
  putManifest,
  sageMakerError,
  type FakeS3,
  type FakeSageMaker,
  TRAINING_SETTINGS,
} from './aws-fakes';
import { s3Event } from '@digits/test-kit';

const settings = TRAINING_SETTINGS;

let s3: FakeS3;
let sm: FakeSageMaker;
let deps: StartTrainingDeps;

beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  deps = { s3: s3.client, sagemaker: sm.client, settings, logger: memoryLogger() };
});

const created = (): CreateTrainingJobRequest[] =>
  sm.mock.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input);

const REF = 'r-00112233445566ff';
/** The stage's reference set as ingest's import stores it: the pointer and the version's manifest. */
function putReference(version = REF, stored = true) {
  const pointer: ReferencePointer = { version, setAt: '2025-01-01T00:00:00.000Z', reason: 'first import' };
  s3.put(PROCESSED, REFERENCE_POINTER_KEY, pointer);
  if (stored)
    s3.put(PROCESSED, referenceManifestKey(version), {
      schemaVersion: 1,
      kind: 'reference-set',
      version,
      name: 'mnist-t10k',
      rows: 10,
      classCounts: Array(10).fill(1),
      shards: [{ key: `_reference/${version}/data/part-00000.csv`, rows: 10, bytes: 100 }],
      format: {},
      source: { images: 'a', labels: 'b' },
      createdAt: '2025-01-01T00:00:00.000Z',
    });
}

describe('startTraining with the stage reference set', () => {
  it('adds the reference channel (manifest + shards) and tags the version; the job name does not depend on it', async () => {
    const m = manifest();
    putManifest(s3, m);
    const without = await startTraining({ dataset: m.dataset, version: m.version }, deps);
    sm.jobs.clear();
    putReference();

    const withRef = await startTraining({ dataset: m.dataset, version: m.version }, deps);

    expect(withRef.trainingJobName).toBe(without.trainingJobName);
    const req = created()[1]!;
    expect(req.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri])).toEqual([
      ['train', `s3://${PROCESSED}/mnist/${m.version}/train/`],
      ['test', `s3://${PROCESSED}/mnist/${m.version}/test/`],
      ['reference', `s3://${PROCESSED}/_reference/${REF}/`],
    ]);
    expect(req.Tags).toContainEqual({ Key: 'digits:reference-version', Value: REF });
  });

  it('without a reference set, trains without the channel and warns that the gate will refuse the model', async () => {
    const m = manifest();
    putManifest(s3, m);
    const logger = memoryLogger();

    await startTraining({ dataset: m.dataset, version: m.version }, { ...deps, logger });

    expect(created()[0]!.InputDataConfig?.map((c) => c.ChannelName)).toEqual(['train', 'test']);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/no reference set/) }),
    );
  });

  it('refuses a pointer naming a reference set that is not stored', async () => {
    const m = manifest();
    putManifest(s3, m);
    putReference(REF, false);

    await expect(startTraining({ dataset: m.dataset, version: m.version }, deps)).rejects.toThrow(
      new TrainingRequestError(`reference set ${REF} named by s3://${PROCESSED}/_reference/current.json is not stored`),
    );
    expect(created()).toHaveLength(0);
  });
});

describe('startTraining', () => {
  it('starts one job with the image, role, csv channels, output path, metrics, stopping condition and dataset tags', async () => {
    const m = manifest();
    putManifest(s3, m);

    const result = await startTraining({ dataset: m.dataset, version: m.version }, deps);

    expect(result.status).toBe('started');
    expect(created()).toHaveLength(1);
    const req = created()[0]!;
    expect(req.TrainingJobName).toBe(result.trainingJobName);
    expect(req.AlgorithmSpecification).toMatchObject({
      TrainingImage: IMAGE,
      TrainingInputMode: 'File',
      MetricDefinitions: [...METRIC_DEFINITIONS],
    });
    expect(req.RoleArn).toBe(ROLE_ARN);
    expect(req.InputDataConfig).toEqual([
      expect.objectContaining({
        ChannelName: 'train',
        ContentType: 'text/csv',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${PROCESSED}/mnist/${m.version}/train/`,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      }),
      expect.objectContaining({
        ChannelName: 'test',
        ContentType: 'text/csv',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${PROCESSED}/mnist/${m.version}/test/`,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      }),
    ]);
    expect(req.OutputDataConfig).toEqual({ S3OutputPath: `s3://${ARTIFACTS}/training` });
    expect(req.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
    expect(req.ResourceConfig).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1 });
    expect(req.HyperParameters).toEqual({
      epochs: '5',
      batch_size: '128',
      dataset: 'mnist',
      dataset_version: m.version,
    });
    expect(req.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'digits:dataset', Value: 'mnist' },
        { Key: 'digits:dataset-version', Value: m.version },
        { Key: 'digits:manifest', Value: `s3://${PROCESSED}/${manifestKey('mnist', m.version)}` },
      ]),
    );
  });

  it('applies hand-given hyperparameter overrides over the defaults, and names a different job for them', async () => {
    const m = manifest();
    putManifest(s3, m);

    const plain = await startTraining({ dataset: m.dataset, version: m.version }, deps);
    const quick = await startTraining(
      { dataset: m.dataset, version: m.version, hyperparameters: { epochs: 1, max_rows: '1000' } },
      deps,
    );

    expect(quick.status).toBe('started');
    expect(quick.trainingJobName).not.toBe(plain.trainingJobName);
    expect(created()[1]!.HyperParameters).toMatchObject({ epochs: '1', max_rows: '1000', batch_size: '128' });
  });

  it('starts one job, not two, when the same manifest arrives twice', async () => {
    const m = manifest();
    const key = putManifest(s3, m);
    const event = s3Event(PROCESSED, [key]);

    const first = await onStartTraining(event, deps);
    const second = await onStartTraining(event, deps);

    expect(created()).toHaveLength(1);
    expect(first).toMatchObject({ outcomes: [{ key, result: { status: 'started' } }] });
    expect(second).toMatchObject({
      outcomes: [{ key, result: { status: 'already-started', existingStatus: 'InProgress' } }],
    });
  });

  it('treats a duplicate that wins the race between Describe and Create as already started', async () => {
    const m = manifest();
    putManifest(s3, m);
    sm.mock
      .on(DescribeTrainingJobCommand)
      .rejects(sageMakerError('ValidationException', 'Requested resource not found.'));
    sm.mock
      .on(CreateTrainingJobCommand)
      .rejects(sageMakerError('ResourceInUse', 'a training job with this name already exists'));

    const result = await startTraining({ dataset: m.dataset, version: m.version }, deps);

    expect(result.status).toBe('already-started');
  });

  it('refuses a version that was never preprocessed, naming the missing manifest', async () => {
    await expect(startTraining({ dataset: 'mnist', version: 'v-ffffffffffffffff' }, deps)).rejects.toThrow(
      new TrainingRequestError(
        `no manifest at s3://${PROCESSED}/mnist/v-ffffffffffffffff/manifest.json: preprocess dataset "mnist" first`,
      ),
    );
    expect(created()).toHaveLength(0);
  });

  it('refuses a manifest that fails validation, naming the field', async () => {
    const m = manifest();
    m.splits.test.rows = 7;
    putManifest(s3, m);

    await expect(startTraining({ dataset: m.dataset, version: m.version }, deps)).rejects.toThrow(
      /splits\.test\.classCounts/,
    );
    expect(created()).toHaveLength(0);
  });

  it('refuses a manifest whose shards lie outside the split folder the channel reads', async () => {
    const m = manifest();
    m.splits.train.shards[0]!.key = 'elsewhere/part-00000.csv';
    putManifest(s3, m);

    await expect(startTraining({ dataset: m.dataset, version: m.version }, deps)).rejects.toThrow(
      /train shard "elsewhere\/part-00000.csv" is not directly under mnist\//,
    );
  });

  it('refuses unknown or service-owned hyperparameters', async () => {
    putManifest(s3);
    const m = manifest();
    await expect(
      startTraining({ dataset: m.dataset, version: m.version, hyperparameters: { epoch: 3 } }, deps),
    ).rejects.toThrow(/unknown hyperparameter "epoch"/);
    await expect(
      startTraining({ dataset: m.dataset, version: m.version, hyperparameters: { dataset_version: 'x' } }, deps),
    ).rejects.toThrow(/set by the training service/);
    expect(created()).toHaveLength(0);
  });
});

describe('onStartTraining (the Lambda input)', () => {
  it('decodes URL-encoded keys: a dataset named with spaces trains under a valid job name', async () => {
    const m = manifest('my digits');
    const key = putManifest(s3, m);

    const out = await onStartTraining(s3Event(PROCESSED, [key]), deps);

    expect(out).toMatchObject({
      outcomes: [{ key: 'my digits/v-0123456789abcdef/manifest.json', result: { status: 'started' } }],
    });
    const req = created()[0]!;
    expect(req.TrainingJobName).toMatch(/^digits-test--my-digits-0123456789ab-[0-9a-f]{10}-a1$/);
    expect(req.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toBe(
      `s3://${PROCESSED}/my digits/v-0123456789abcdef/train/`,
    );
    expect(req.HyperParameters?.dataset).toBe('my digits');
  });

  it('skips objects that are not a dataset manifest', async () => {
    const m = manifest();
    putManifest(s3, m);

    const out = await onStartTraining(s3Event(PROCESSED, [`mnist/${m.version}/train/part-00000.csv`]), deps);

    expect(out).toMatchObject({
      outcomes: [{ skipped: expect.stringMatching(/not a <dataset>\/<version>\/manifest.json key/) }],
    });
    expect(created()).toHaveLength(0);
  });

  it('starts the good manifests of an event and reports the one that cannot be trained on, without a retry', async () => {
    const good = manifest('mnist');
    putManifest(s3, good);

    const out = await onStartTraining(
      s3Event(PROCESSED, [manifestKey('mnist', good.version), manifestKey('fashion', good.version)]),
      deps,
    );

    expect(out).toEqual({
      outcomes: [{ key: manifestKey('mnist', good.version), result: expect.objectContaining({ status: 'started' }) }],
      failed: [
        {
          item: `s3://${PROCESSED}/${manifestKey('fashion', good.version)}`,
          errorType: 'TrainingRequestError',
          message: expect.stringMatching(/^no manifest at/),
        },
      ],
    });
    expect(created()).toHaveLength(1);
  });

  it('fails the event after trying every manifest when SageMaker fails in a way a retry may fix', async () => {
    const good = manifest('mnist');
    putManifest(s3, good);
    sm.mock.on(DescribeTrainingJobCommand).rejects(sageMakerError('ThrottlingException', 'Rate exceeded'));

    await expect(onStartTraining(s3Event(PROCESSED, [manifestKey('mnist', good.version)]), deps)).rejects.toThrow(
      /will be retried: .*mnist\/v-0123456789abcdef\/manifest.json \(Rate exceeded\)/,
    );
  });

  it('accepts a hand invocation and rejects malformed ones clearly', async () => {
    const m = manifest();
    putManifest(s3, m);

    await expect(onStartTraining({ dataset: 'mnist', version: m.version }, deps)).resolves.toMatchObject({
      status: 'started',
    });
    expect(() => parseStartTrainingInput({ dataset: 'mnist' })).toThrow(
      'startTraining input needs "dataset" and "version" strings',
    );
    expect(() => parseStartTrainingInput({ dataset: 'mnist', version: 'v-1', epochs: 3 })).toThrow(
      'unknown field(s): epochs',
    );
    expect(() => parseStartTrainingInput({ dataset: '../etc', version: 'v-1' })).toThrow(
      /no processed dataset can be named/,
    );
  });
});
