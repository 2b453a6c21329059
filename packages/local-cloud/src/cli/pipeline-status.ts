import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { ENV, modelRecordKey, parseManifestKey, processedVersionPrefix, type ModelRecord } from '@digits/common';
import type { LocalCloud } from '../local-cloud';

/**
 * Where the pipeline stands for the newest manifest, read from the (local) cloud itself — S3 and
 * SageMaker — so it is right after a restart too, when no event will come again. The start CLI
 * uses it to say what it waits for, and to see when nothing will come.
 */

export interface ManifestRef {
  dataset: string;
  version: string;
  key: string;
}

export interface TrainingJobView {
  name: string;
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
  createdAt: Date;
}

export type PipelineStatus =
  | { stage: 'preprocessing' }
  | { stage: 'awaiting-training'; manifest: ManifestRef }
  | { stage: 'training'; manifest: ManifestRef; job: TrainingJobView }
  /** The newest attempt for the manifest ended without a model: Failed or Stopped. */
  | { stage: 'training-ended'; manifest: ManifestRef; job: TrainingJobView }
  | { stage: 'deploying'; manifest: ManifestRef; job: TrainingJobView }
  | { stage: 'refused'; manifest: ManifestRef; job: TrainingJobView; gateReason: string };

export interface StatusSources {
  s3: S3Client;
  sageMaker: SageMakerClient;
  processedBucket: string;
  artifactsBucket: string;
}

async function newestManifest(s3: S3Client, bucket: string): Promise<ManifestRef | undefined> {
  let newest: (ManifestRef & { at: number }) | undefined;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    for (const object of page.Contents ?? []) {
      const parsed = object.Key ? parseManifestKey(object.Key) : undefined;
      const at = object.LastModified?.getTime() ?? 0;
      if (parsed && (!newest || at >= newest.at)) newest = { ...parsed, key: object.Key!, at };
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  if (!newest) return undefined;
  const { at: _at, ...manifest } = newest;
  return manifest;
}

function view(job: DescribeTrainingJobCommandOutput): TrainingJobView {
  return {
    name: job.TrainingJobName!,
    status: job.TrainingJobStatus ?? 'Unknown',
    ...(job.SecondaryStatus ? { secondaryStatus: job.SecondaryStatus } : {}),
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    createdAt: job.CreationTime ?? new Date(0),
  };
}

/** The newest training job whose channels read this manifest's version (every attempt counts). */
async function newestJobFor(sources: StatusSources, manifest: ManifestRef): Promise<TrainingJobView | undefined> {
  const prefix = `s3://${sources.processedBucket}/${processedVersionPrefix(manifest.dataset, manifest.version)}`;
  let NextToken: string | undefined;
  do {
    const page = await sources.sageMaker.send(
      new ListTrainingJobsCommand({ SortBy: 'CreationTime', SortOrder: 'Descending', NextToken }),
    );
    for (const summary of page.TrainingJobSummaries ?? []) {
      const job = await sources.sageMaker.send(
        new DescribeTrainingJobCommand({ TrainingJobName: summary.TrainingJobName }),
      );
      const reads = (job.InputDataConfig ?? []).some((c) => c.DataSource?.S3DataSource?.S3Uri?.startsWith(prefix));
      if (reads) return view(job);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function gateRefusal(sources: StatusSources, job: string): Promise<string | undefined> {
  try {
    const out = await sources.s3.send(
      new GetObjectCommand({ Bucket: sources.artifactsBucket, Key: modelRecordKey(job) }),
    );
    const record = JSON.parse(await out.Body!.transformToString()) as Partial<ModelRecord>;
    return record.gate && !record.gate.deploy ? record.gate.reason : undefined;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NoSuchBucket') return undefined;
    throw error;
  }
}

export async function readPipelineStatus(sources: StatusSources): Promise<PipelineStatus> {
  const manifest = await newestManifest(sources.s3, sources.processedBucket);
  if (!manifest) return { stage: 'preprocessing' };
  const job = await newestJobFor(sources, manifest);
  if (!job) return { stage: 'awaiting-training', manifest };
  if (job.status === 'Failed' || job.status === 'Stopped') return { stage: 'training-ended', manifest, job };
  if (job.status !== 'Completed') return { stage: 'training', manifest, job };
  const gateReason = await gateRefusal(sources, job.name);
  return gateReason !== undefined
    ? { stage: 'refused', manifest, job, gateReason }
    : { stage: 'deploying', manifest, job };
}

/** The local cloud's sources: the buckets as the services' serverless.yml name them (the training service's environment). */
export function statusSources(cloud: LocalCloud): StatusSources {
  const environments = cloud.functions.services.flatMap((s) => s.functions.map((f) => f.environment));
  const bucket = (variable: string) => {
    const found = environments.find((env) => env[variable])?.[variable];
    if (!found) throw new Error(`no function declares ${variable}: cannot tell where the pipeline writes`);
    return found;
  };
  return {
    s3: cloud.s3Client,
    sageMaker: new SageMakerClient({
      endpoint: cloud.sageMaker.endpoint,
      region: cloud.sageMaker.region,
      credentials: {
        accessKeyId: cloud.awsEnv.AWS_ACCESS_KEY_ID!,
        secretAccessKey: cloud.awsEnv.AWS_SECRET_ACCESS_KEY!,
      },
    }),
    processedBucket: bucket(ENV.processedBucket),
    artifactsBucket: bucket(ENV.artifactsBucket),
  };
}
