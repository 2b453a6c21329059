/**
 * Everything /predict talks to, on this machine: packages/model's `serve` on a model folder, the
 * runtime stand-in forwarding InvokeEndpoint to it, and a local S3 (s3rver) holding the registry
 * (live.json + the model record). The process environment points the unchanged SDK at them.
 * Used by the integration test and `pnpm bench:predict`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  REGISTRY_LIVE_KEY,
  modelRecordKey,
  type LivePointer,
  type Logger,
  type ModelMetadata,
  type ModelRecord,
} from '@digits/common';
import { startLocalS3, useLocalAwsEnv } from '@digits/test-kit';
import { startServer, type RunningServer } from '@digits/model';
import { startRuntimeStandIn, type RuntimeStandIn } from './runtime-stand-in';

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
  serve: RunningServer;
  standIn: RuntimeStandIn;
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
    const serve = await startServer({ modelDir, port: 0, logger: quiet });
    closers.push(() => serve.close());
    await serve.ready;
    const standIn = await startRuntimeStandIn();
    closers.push(() => standIn.close());
    standIn.endpoints.set(endpointName, serve.url);
    const s3Dir = await mkdtemp(join(tmpdir(), 'inference-s3-'));
    closers.push(() => rm(s3Dir, { recursive: true, force: true }));
    const s3 = await startLocalS3({ directory: s3Dir, buckets: [artifactsBucket] });
    closers.push(() => s3.close());
    closers.push(useLocalAwsEnv({ s3: s3.endpoint, sagemaker: standIn.url, sagemakerRuntime: standIn.url }));

    const pointer: LivePointer = {
      endpointName,
      trainingJobName,
      modelName: `${trainingJobName}-model`,
      endpointConfigName: `${trainingJobName}-config`,
      testAccuracy: metadata.testAccuracy,
      deployedAt: '2026-01-01T00:10:00.000Z',
      history: [],
    };
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
    const client = new S3Client({ forcePathStyle: true });
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
    client.destroy();
    return { endpointName, artifactsBucket, trainingJobName, pointer, record, serve, standIn, close };
  } catch (e) {
    await close();
    throw e;
  }
}
