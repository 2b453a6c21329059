/**
 * startTraining and deployModel against moto_server, a third-party implementation of the S3 and
 * SageMaker APIs, through the SDK's standard AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SAGEMAKER.
 *
 * What moto 5.2.1 does and does not do, and how this test deals with it honestly:
 * - a training job is Completed the moment it is created, with FinalMetricDataList holding only
 *   `train:progress` and MetricDefinitions replaced by its own; so the state-change event fed to
 *   deployModel carries the final test_accuracy (as SageMaker's event detail does), and the metric
 *   regexes we send are checked by the unit tests, not here;
 * - CreateTrainingJob/CreateEndpoint silently overwrite an existing name, so "one job, not two"
 *   shows as the first job's creation time surviving the second delivery;
 * - UpdateEndpoint is not implemented, so the update/rollback path is covered by the unit tests;
 *   here the second model is one the gate refuses, and the endpoint must keep the first config.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeTrainingJobCommand,
  ListModelsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  REGISTRY_LIVE_KEY,
  createLogger,
  createS3Client,
  createSageMakerClient,
  encodeReferenceSet,
  manifestKey,
  modelRecordKey,
  setReferencePointer,
  writeReferenceSet,
  type LivePointer,
  type Manifest,
  type ModelRecord,
} from '@digits/common';
import { readDeployConfig, readStartTrainingConfig } from '../src/config';
import { onStartTraining, onTrainingStateChange } from '../src/invocations';
import type { StartTrainingResult } from '../src/start-training';
import {
  ARTIFACTS,
  ENDPOINT,
  IMAGE,
  PREFIX,
  PROCESSED,
  ROLE_ARN,
  manifest,
  modelArtifact,
  ROBUSTNESS_SCORES,
} from './aws-fakes';
import {
  s3Event,
  setProcessEnv,
  startMoto,
  trainingJobStateChange as stateChange,
  type MotoServer,
} from '@digits/test-kit';
import { GATE_ENV } from './function-env';

jest.setTimeout(120_000);

/** What serverless.yml sets (its defaults), with this test's names. */
const STAGE_ENV = {
  LOG_LEVEL: 'error',
  PROCESSED_BUCKET: PROCESSED,
  ARTIFACTS_BUCKET: ARTIFACTS,
  ENDPOINT_NAME: ENDPOINT,
  TRAINING_JOB_PREFIX: PREFIX,
  MODEL_IMAGE_URI: IMAGE,
  SAGEMAKER_ROLE_ARN: ROLE_ARN,
  DEFAULT_HYPERPARAMETERS: '{"epochs":"5","batch_size":"128"}',
  FINE_TUNE_HYPERPARAMETERS: '{"epochs":"3","replay_rows":"6000"}',
  TRAINING_INSTANCE_TYPE: 'ml.m5.xlarge',
  TRAINING_VOLUME_GB: '10',
  TRAINING_MAX_SECONDS: '1800',
  TRAINING_MAX_ATTEMPTS: '3',
  ...GATE_ENV,
  ENDPOINT_MODE: 'serverless',
  SERVERLESS_MEMORY_MB: '2048',
  SERVERLESS_MAX_CONCURRENCY: '5',
};

/** label,784 pixels per row, labels cycling 0-9 so the manifest's class counts are true. */
function csvShard(rows: number): string {
  let out = '';
  for (let i = 0; i < rows; i++) out += `${i % 10},${Array.from({ length: 784 }, (_, p) => (p + i) % 256).join(',')}\n`;
  return out;
}

describe('training service against moto_server', () => {
  let server: MotoServer;
  let restoreEnv: (() => void) | undefined;
  let s3: S3Client;
  let sagemaker: SageMakerClient;
  const logger = createLogger('training-int', () => {});
  const env = () => ({ ...process.env, ...STAGE_ENV });
  const startDeps = () => ({ s3, sagemaker, settings: readStartTrainingConfig(env()), logger });
  const deployDeps = () => ({ s3, sagemaker, settings: readDeployConfig(env()), logger });
  let m: Manifest;
  let first: StartTrainingResult;
  let referenceVersion: string;

  beforeAll(async () => {
    server = await startMoto();
    restoreEnv = setProcessEnv(server.env);
    s3 = createS3Client();
    sagemaker = createSageMakerClient();
    for (const Bucket of [PROCESSED, ARTIFACTS]) await s3.send(new CreateBucketCommand({ Bucket }));

    // A processed dataset as preprocess leaves it: shards first, manifest last.
    m = manifest('mnist', 'v-0123456789abcdef', PROCESSED);
    for (const split of ['train', 'test'] as const) {
      const shard = m.splits[split].shards[0]!;
      const body = csvShard(shard.rows);
      shard.bytes = Buffer.byteLength(body);
      await s3.send(new PutObjectCommand({ Bucket: PROCESSED, Key: shard.key, Body: body, ContentType: 'text/csv' }));
    }
    await s3.send(
      new PutObjectCommand({ Bucket: PROCESSED, Key: manifestKey(m.dataset, m.version), Body: JSON.stringify(m) }),
    );
    // The stage's reference set as ingest's import stores it (the common writer, against moto's S3).
    const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
    const set = encodeReferenceSet({ images: new Uint8Array(20 * 784).fill(7), labels }, 20);
    await writeReferenceSet(s3, PROCESSED, set, {
      name: 'tiny',
      source: { images: 'a', labels: 'b' },
      now: new Date(),
    });
    referenceVersion = (await setReferencePointer(s3, PROCESSED, set.version, { reason: 'test', now: new Date() }))
      .pointer.version;
  });

  /** The model.tar.gz a real job would have left, its report scored `accuracy` on the reference set. */
  const putArtifact = (job: string, accuracy: number) =>
    s3.send(
      new PutObjectCommand({
        Bucket: ARTIFACTS,
        Key: `training/${job}/output/model.tar.gz`,
        Body: modelArtifact(accuracy, referenceVersion),
      }),
    );

  afterAll(async () => {
    s3?.destroy();
    sagemaker?.destroy();
    restoreEnv?.();
    await server?.stop();
  });

  const readJson = async <T>(key: string): Promise<T> => {
    const res = await s3.send(new GetObjectCommand({ Bucket: ARTIFACTS, Key: key }));
    return JSON.parse(await res.Body!.transformToString()) as T;
  };

  it('startTraining on the manifest event creates the training job moto records with our parameters', async () => {
    const out = await onStartTraining(s3Event(PROCESSED, [manifestKey(m.dataset, m.version)]), startDeps());
    first = (out as { outcomes: Array<{ result: StartTrainingResult }> }).outcomes[0]!.result;
    expect(first.status).toBe('started');

    const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: first.trainingJobName }));
    expect(job.TrainingJobName).toBe(first.trainingJobName);
    expect(job.RoleArn).toBe(ROLE_ARN);
    expect(job.AlgorithmSpecification?.TrainingImage).toBe(IMAGE);
    expect(job.HyperParameters).toEqual({
      epochs: '5',
      batch_size: '128',
      dataset: 'mnist',
      dataset_version: m.version,
    });
    expect(job.InputDataConfig?.map((c) => [c.ChannelName, c.ContentType, c.DataSource?.S3DataSource?.S3Uri])).toEqual([
      ['train', 'text/csv', `s3://${PROCESSED}/mnist/${m.version}/train/`],
      ['test', 'text/csv', `s3://${PROCESSED}/mnist/${m.version}/test/`],
      ['reference', 'text/csv', `s3://${PROCESSED}/_reference/${referenceVersion}/`],
    ]);
    expect(job.OutputDataConfig?.S3OutputPath).toBe(`s3://${ARTIFACTS}/training`);
    expect(job.StoppingCondition?.MaxRuntimeInSeconds).toBe(1800);
    expect(job.EnableNetworkIsolation).toBe(true);
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(
      `s3://${ARTIFACTS}/training/${first.trainingJobName}/output/model.tar.gz`,
    );

    const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: job.TrainingJobArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'digits:dataset', Value: 'mnist' },
        { Key: 'digits:dataset-version', Value: m.version },
      ]),
    );
  });

  it('the same manifest delivered again starts no second job', async () => {
    const before = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: first.trainingJobName }));

    const again = await onStartTraining(s3Event(PROCESSED, [manifestKey(m.dataset, m.version)]), startDeps());

    expect(again).toMatchObject({
      outcomes: [{ result: { status: 'already-started', trainingJobName: first.trainingJobName } }],
    });
    const after = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: first.trainingJobName }));
    expect(after.CreationTime).toEqual(before.CreationTime);
    const jobs = await sagemaker.send(new ListTrainingJobsCommand({}));
    expect(jobs.TrainingJobSummaries?.map((j) => j.TrainingJobName)).toEqual([first.trainingJobName]);
  });

  it('deployModel on the Completed event creates the model, a serverless endpoint config and the endpoint', async () => {
    await putArtifact(first.trainingJobName, 0.9912);
    const event = stateChange({
      TrainingJobName: first.trainingJobName,
      FinalMetricDataList: [{ MetricName: 'test_accuracy', Value: 0.9912 }],
    });

    const out = await onTrainingStateChange(event, deployDeps());

    expect(out).toMatchObject({ action: 'deploy-requested', endpointChange: 'created' });
    const model = await sagemaker.send(new DescribeModelCommand({ ModelName: first.trainingJobName }));
    expect(model.ExecutionRoleArn).toBe(ROLE_ARN);
    expect(model.PrimaryContainer).toMatchObject({
      Image: IMAGE,
      ModelDataUrl: `s3://${ARTIFACTS}/training/${first.trainingJobName}/output/model.tar.gz`,
    });
    const config = await sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: first.trainingJobName }),
    );
    expect(config.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      ModelName: first.trainingJobName,
      ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
    });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(endpoint.EndpointConfigName).toBe(first.trainingJobName);

    const live = await readJson<LivePointer>(REGISTRY_LIVE_KEY);
    expect(live).toMatchObject({
      endpointName: ENDPOINT,
      trainingJobName: first.trainingJobName,
      testAccuracy: 0.9912,
      history: [],
    });
    const record = await readJson<ModelRecord>(modelRecordKey(first.trainingJobName));
    expect(record).toMatchObject({
      status: 'Completed',
      dataset: 'mnist',
      datasetVersion: m.version,
      image: IMAGE,
      gate: { deploy: true },
      metrics: { test_accuracy: 0.9912 },
      // Copied from the artifact's metadata.json, like the reference scores.
      robustness: { suite: ROBUSTNESS_SCORES.suite, mean: ROBUSTNESS_SCORES.mean },
    });
  });

  it('the same Completed event again creates nothing more', async () => {
    const event = stateChange({
      TrainingJobName: first.trainingJobName,
      FinalMetricDataList: [{ MetricName: 'test_accuracy', Value: 0.9912 }],
    });

    await expect(onTrainingStateChange(event, deployDeps())).resolves.toMatchObject({ action: 'already-deployed' });
    const models = await sagemaker.send(new ListModelsCommand({}));
    expect(models.Models?.map((x) => x.ModelName)).toEqual([first.trainingJobName]);
  });

  it('a hand-started retrain that misses the gate is recorded and leaves the endpoint on the first model', async () => {
    const retrain = (await onStartTraining(
      { dataset: 'mnist', version: m.version, hyperparameters: { epochs: 1 } },
      startDeps(),
    )) as StartTrainingResult;
    expect(retrain.status).toBe('started');
    expect(retrain.trainingJobName).not.toBe(first.trainingJobName);
    await putArtifact(retrain.trainingJobName, 0.95);

    const out = await onTrainingStateChange(
      stateChange({
        TrainingJobName: retrain.trainingJobName,
        FinalMetricDataList: [{ MetricName: 'test_accuracy', Value: 0.95 }],
      }),
      deployDeps(),
    );

    const reason = expect.stringMatching(/reference accuracy 0.95 is below the minimum 0.98/);
    expect(out).toMatchObject({ action: 'not-deployed', reason });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(endpoint.EndpointConfigName).toBe(first.trainingJobName);
    await expect(sagemaker.send(new DescribeModelCommand({ ModelName: retrain.trainingJobName }))).rejects.toThrow(
      /Could not find model/,
    );
    const record = await readJson<ModelRecord>(modelRecordKey(retrain.trainingJobName));
    expect(record).toMatchObject({ gate: { deploy: false, reason }, reference: { version: referenceVersion } });
    expect((await readJson<LivePointer>(REGISTRY_LIVE_KEY)).trainingJobName).toBe(first.trainingJobName);
  });
});
