import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '@digits/common';
import { startLocalS3, useLocalAwsEnv, type LocalS3 } from '@digits/test-kit';

export const BUCKETS = {
  public: 'sagemaker-sample-files',
  inbox: 'digits-test-inbox',
  raw: 'digits-test-raw',
  processed: 'digits-test-processed',
};

export interface LocalS3Fixture {
  server: LocalS3;
  s3: S3Client;
  stop(): Promise<void>;
}

/** A real s3rver on 127.0.0.1 with the pipeline's buckets, the SDK pointed at it through the standard env. */
export async function startS3Fixture(): Promise<LocalS3Fixture> {
  const directory = await mkdtemp(join(tmpdir(), 'ingest-s3-'));
  const server = await startLocalS3({ directory, buckets: Object.values(BUCKETS) });
  const restoreEnv = useLocalAwsEnv({ s3: server.endpoint });
  const s3 = createS3Client();
  return {
    server,
    s3,
    stop: async () => {
      s3.destroy();
      restoreEnv();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export const put = (s3: S3Client, bucket: string, key: string, body: Uint8Array | string) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

export const exists = (s3: S3Client, bucket: string, key: string): Promise<boolean> =>
  s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Contents.map((o) => o.Key!).sort();
}
