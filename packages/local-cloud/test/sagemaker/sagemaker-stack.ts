import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createS3Client, type Logger } from '@digits/common';
import { startLocalS3, useLocalAwsEnv, type LocalS3 } from '../../src/local-s3';
import { startLocalSageMaker, type LocalSageMaker, type LocalSageMakerOptions } from '../../src/sagemaker';

/** A local S3 + local SageMaker pair on free ports, with the process env pointing the unchanged SDK at them. */

export const FAKE_MODEL = join(__dirname, 'fixtures', 'fake-model.mjs');
export const ROLE_ARN = 'arn:aws:iam::000000000000:role/local-sagemaker-test';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Stack {
  dir: string;
  s3: LocalS3;
  s3Client: S3Client;
  sagemaker: LocalSageMaker;
  sm: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  restart(options?: Partial<LocalSageMakerOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  options: Partial<LocalSageMakerOptions> = {},
  buckets = ['data', 'artifacts'],
): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'local-sagemaker-'));
  const s3 = await startLocalS3({ directory: join(dir, 's3'), buckets });
  const restoreEnv = useLocalAwsEnv({ s3: s3.endpoint });
  const s3Client = createS3Client();
  const start = (extra: Partial<LocalSageMakerOptions> = {}) =>
    startLocalSageMaker({
      workDir: join(dir, 'sagemaker'),
      modelCommand: [process.execPath, FAKE_MODEL],
      s3: s3Client,
      log: silentLogger,
      stopGraceMs: 2000,
      ...options,
      ...extra,
    });
  const stack: Stack = {
    dir,
    s3,
    s3Client,
    sagemaker: await start(),
    sm: undefined as unknown as SageMakerClient,
    runtime: undefined as unknown as SageMakerRuntimeClient,
    async restart(extra) {
      await stack.sagemaker.close();
      stack.sagemaker = await start(extra);
      stack.sm = new SageMakerClient({ endpoint: stack.sagemaker.endpoint });
      stack.runtime = new SageMakerRuntimeClient({ endpoint: stack.sagemaker.endpoint });
    },
    async close() {
      await stack.sagemaker.close();
      await s3.close();
      restoreEnv();
      await rm(dir, { recursive: true, force: true });
    },
  };
  stack.sm = new SageMakerClient({ endpoint: stack.sagemaker.endpoint });
  stack.runtime = new SageMakerRuntimeClient({ endpoint: stack.sagemaker.endpoint });
  return stack;
}

export async function putText(s3: S3Client, bucket: string, key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
}

/** Polls `read` until `done` holds (or throws after `timeoutMs`, naming the last value). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The request the training service sends, with this test's names and hyperparameters. */
export function trainingJobRequest(
  name: string,
  hyperParameters: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    TrainingJobName: name,
    RoleArn: ROLE_ARN,
    AlgorithmSpecification: {
      TrainingImage: '000000000000.dkr.ecr.us-east-1.amazonaws.com/digits-model:latest',
      TrainingInputMode: 'File' as const,
      MetricDefinitions: [
        { Name: 'train_loss', Regex: 'train_loss=([0-9.eE+-]+)' },
        { Name: 'test_accuracy', Regex: 'test_accuracy=([0-9.]+)' },
      ],
    },
    HyperParameters: hyperParameters,
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: 's3://data/mnist/v1/train/' } },
      },
      {
        ChannelName: 'test',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: 's3://data/mnist/v1/test/' } },
      },
    ],
    OutputDataConfig: { S3OutputPath: 's3://artifacts/training' },
    ResourceConfig: { InstanceType: 'ml.m5.large' as const, InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    Tags: [{ Key: 'dataset', Value: 'mnist' }],
    ...extra,
  };
}

export async function seedChannels(s3: S3Client): Promise<void> {
  await putText(s3, 'data', 'mnist/v1/train/part-00000.csv', '5,0,0\n0,1,1\n');
  await putText(s3, 'data', 'mnist/v1/train/nested/part-00001.csv', '4,1,0\n');
  await putText(s3, 'data', 'mnist/v1/test/part-00000.csv', '7,0,1\n');
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The error a call fails with (a call that succeeds fails the test). */
export async function failure<E extends Error = Error & { $metadata: { httpStatusCode?: number } }>(
  call: Promise<unknown>,
): Promise<E> {
  try {
    await call;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the call to fail, it succeeded');
}
