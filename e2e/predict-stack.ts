/**
 * Everything /predict talks to, on this machine: local-cloud's SageMaker (control plane + runtime)
 * hosting packages/model's `serve` as the endpoint's container, on a model folder deployed the way
 * training deploys one (model.tar.gz in S3 → CreateModel → CreateEndpointConfig → CreateEndpoint),
 * and a local S3 (s3rver) holding it and the registry (live.json + the model record). The process
 * environment points the unchanged SDK at them. Used by the end-to-end test and `pnpm bench:predict`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  REGISTRY_LIVE_KEY,
  modelRecordKey,
  type LivePointer,
  type Logger,
  type ModelMetadata,
  type ModelRecord,
} from '@digits/common';
import { modelCommand, startLocalSageMaker, type LocalSageMaker } from '@digits/local-cloud';
import { startLocalS3, useLocalAwsEnv } from '@digits/test-kit';
import { create as createTar } from 'tar';

export const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface LocalStack {
  endpointName: string;
  artifactsBucket: string;
  trainingJobName: string;
  pointer: LivePointer;
  record: ModelRecord;
  sageMaker: LocalSageMaker;
  close(): Promise<void>;
}

export async function startLocalStack(
  modelDir: string,
  metadata: ModelMetadata,
  names = { endpointName: 'digits-local', artifactsBucket: 'digits-local-artifacts' },
): Promise<LocalStack> {
  const { endpointName, artifactsBucket } = names;
  const trainingJobName = `${endpointName}-20260101-000000`;
  const closers: Array<() => Promise<unknown> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'predict-stack-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const s3 = await startLocalS3({ directory: join(dir, 's3'), buckets: [artifactsBucket] });
    closers.push(() => s3.close());
    const client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint });
    closers.push(() => client.destroy());
    closers.push(useLocalAwsEnv({ s3: s3.endpoint }));

    // model.tar.gz as SageMaker packs /opt/ml/model after training.
    const tarball = join(dir, 'model.tar.gz');
    await createTar({ gzip: true, file: tarball, cwd: modelDir }, ['.']);
    const modelKey = `training/${trainingJobName}/output/model.tar.gz`;
    await client.send(new PutObjectCommand({ Bucket: artifactsBucket, Key: modelKey, Body: await readFile(tarball) }));

    const sageMaker = await startLocalSageMaker({
      workDir: join(dir, 'sagemaker'),
      modelCommand: modelCommand(),
      s3: client,
      log: quiet,
      stopGraceMs: 2000,
    });
    closers.push(() => sageMaker.close());
    closers.push(
      useLocalAwsEnv({ s3: s3.endpoint, sagemaker: sageMaker.endpoint, sagemakerRuntime: sageMaker.endpoint }),
    );

    const pointer: LivePointer = {
      endpointName,
      trainingJobName,
      modelName: `${trainingJobName}-model`,
      endpointConfigName: `${trainingJobName}-config`,
      testAccuracy: metadata.testAccuracy,
      deployedAt: '2026-01-01T00:10:00.000Z',
      history: [],
    };
    const sm = new SageMakerClient({ endpoint: sageMaker.endpoint });
    closers.push(() => sm.destroy());
    await sm.send(
      new CreateModelCommand({
        ModelName: pointer.modelName,
        ExecutionRoleArn: 'arn:aws:iam::000000000000:role/digits-e2e',
        PrimaryContainer: {
          Image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/digits-model:latest',
          ModelDataUrl: `s3://${artifactsBucket}/${modelKey}`,
        },
      }),
    );
    await sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: pointer.endpointConfigName,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: pointer.modelName,
            ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
          },
        ],
      }),
    );
    await sm.send(
      new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: pointer.endpointConfigName }),
    );
    await waitForEndpoint(sm, endpointName);

    const record: ModelRecord = {
      trainingJobName,
      status: 'Completed',
      dataset: 'mnist',
      datasetVersion: 'v-local',
      metrics: { test_accuracy: metadata.testAccuracy },
      gate: { deploy: true, reason: 'first model' },
      recordedAt: '2026-01-01T00:09:00.000Z',
      trainedAt: metadata.trainedAt,
    };
    await client.send(
      new PutObjectCommand({ Bucket: artifactsBucket, Key: REGISTRY_LIVE_KEY, Body: JSON.stringify(pointer) }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: artifactsBucket,
        Key: modelRecordKey(trainingJobName),
        Body: JSON.stringify(record),
      }),
    );
    return { endpointName, artifactsBucket, trainingJobName, pointer, record, sageMaker, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Until DescribeEndpoint says InService (serve has answered /ping), or fail naming the status. */
export async function waitForEndpoint(sm: SageMakerClient, endpointName: string, withinMs = 120_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { EndpointStatus, FailureReason } = await sm.send(
      new DescribeEndpointCommand({ EndpointName: endpointName }),
    );
    if (EndpointStatus === 'InService') return;
    if (EndpointStatus === 'Failed') throw new Error(`endpoint ${endpointName} failed: ${FailureReason}`);
    if (Date.now() > deadline)
      throw new Error(`endpoint ${endpointName} is still ${EndpointStatus} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
