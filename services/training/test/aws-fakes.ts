/**
 * In-memory S3 and SageMaker behind aws-sdk-client-mock: the service code talks to real SDK
 * clients whose `send` is answered from maps, so tests assert both the calls made and the state
 * left behind. Errors carry the names and messages AWS uses.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateEndpointCommand,
  type CreateEndpointConfigInput,
  type CreateModelInput,
  type CreateTrainingJobRequest,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { DeploySettings, TrainingSettings } from '../src/config';
import type { ModelReport } from '../src/model-evaluation';
import {
  ENDPOINT_STATE_CHANGE,
  manifestKey,
  shardKey,
  type EndpointStateChangeEvent,
  type Logger,
  type Manifest,
  type ModelMetadata,
  type RobustnessScores,
  type ReferenceScores,
  MODEL_METADATA_FILE,
  encodeModelMetadata,
} from '@digits/common';

export function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

export function sageMakerError(name: string, message: string): SageMakerServiceException {
  return new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

export interface FakeS3 {
  client: S3Client;
  mock: AwsClientStub<S3Client>;
  objects: Map<string, { body: string; etag: string; bytes?: Buffer }>;
  put(bucket: string, key: string, body: unknown): void;
  json<T>(bucket: string, key: string): T | undefined;
}

export function fakeS3(): FakeS3 {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const objects = new Map<string, { body: string; etag: string; bytes?: Buffer }>();
  const id = (bucket: string | undefined, key: string | undefined) => `${bucket}/${key}`;
  const store = (bucket: string, key: string, body: string) =>
    objects.set(id(bucket, key), { body, etag: `"${createHash('md5').update(body).digest('hex')}"` });
  mock.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
    const found = objects.get(id(input.Bucket, input.Key));
    if (!found) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
    const bytes = found.bytes ?? Buffer.from(found.body);
    const Body = {
      transformToString: async () => found.body,
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    };
    return { ETag: found.etag, ContentLength: bytes.length, Body };
  });
  mock.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
    const existing = objects.get(id(input.Bucket, input.Key));
    if (input.IfNoneMatch === '*' && existing) throw s3Error('PreconditionFailed', 412);
    if (input.IfMatch && existing?.etag !== input.IfMatch) throw s3Error('PreconditionFailed', 412);
    store(input.Bucket!, input.Key!, String(input.Body));
    return { ETag: objects.get(id(input.Bucket, input.Key))!.etag };
  });
  // One page, keys in order: what S3 answers for the few objects these tests keep.
  mock.on(ListObjectsV2Command).callsFake(async (input: { Bucket: string; Prefix?: string }) => ({
    Contents: [...objects.keys()]
      .filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
      .sort()
      .map((k) => ({ Key: k.slice(input.Bucket.length + 1) })),
    IsTruncated: false,
  }));
  return {
    client,
    mock,
    objects,
    put: (bucket, key, body) => {
      if (Buffer.isBuffer(body)) {
        store(bucket, key, '');
        objects.get(id(bucket, key))!.bytes = body;
      } else store(bucket, key, typeof body === 'string' ? body : JSON.stringify(body));
    },
    json: <T>(bucket: string, key: string) => {
      const found = objects.get(id(bucket, key));
      return found ? (JSON.parse(found.body) as T) : undefined;
    },
  };
}

export interface FakeEndpoint {
  EndpointName: string;
  EndpointConfigName: string;
  EndpointStatus: string;
  FailureReason?: string;
}

export interface FakeSageMaker {
  client: SageMakerClient;
  mock: AwsClientStub<SageMakerClient>;
  jobs: Map<string, DescribeTrainingJobResponse>;
  models: Map<string, CreateModelInput>;
  configs: Map<string, CreateEndpointConfigInput>;
  endpoints: Map<string, FakeEndpoint>;
}

/** SageMaker as it answers these calls: "Could not find …" for missing names, "Cannot create already existing …" for duplicates. */
export function fakeSageMaker(): FakeSageMaker {
  const client = new SageMakerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  const jobs = new Map<string, DescribeTrainingJobResponse>();
  const models = new Map<string, CreateModelInput>();
  const configs = new Map<string, CreateEndpointConfigInput>();
  const endpoints = new Map<string, FakeEndpoint>();

  mock.on(DescribeTrainingJobCommand).callsFake(async ({ TrainingJobName }: { TrainingJobName: string }) => {
    const job = jobs.get(TrainingJobName);
    if (!job) throw sageMakerError('ValidationException', 'Requested resource not found.');
    return job;
  });
  mock.on(CreateTrainingJobCommand).callsFake(async (input: CreateTrainingJobRequest) => {
    if (jobs.has(input.TrainingJobName!))
      throw sageMakerError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${input.TrainingJobName})`,
      );
    jobs.set(input.TrainingJobName!, {
      ...(input as unknown as DescribeTrainingJobResponse),
      TrainingJobStatus: 'InProgress',
    });
    return { TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${input.TrainingJobName}` };
  });
  mock.on(CreateModelCommand).callsFake(async (input: CreateModelInput) => {
    if (models.has(input.ModelName!))
      throw sageMakerError('ValidationException', `Cannot create already existing model "${input.ModelName}".`);
    models.set(input.ModelName!, input);
    return { ModelArn: `arn:aws:sagemaker:us-east-1:123456789012:model/${input.ModelName}` };
  });
  mock.on(CreateEndpointConfigCommand).callsFake(async (input: CreateEndpointConfigInput) => {
    if (configs.has(input.EndpointConfigName!))
      throw sageMakerError(
        'ValidationException',
        `Cannot create already existing endpoint configuration "${input.EndpointConfigName}".`,
      );
    configs.set(input.EndpointConfigName!, input);
    return {};
  });
  mock.on(DescribeEndpointConfigCommand).callsFake(async ({ EndpointConfigName }: { EndpointConfigName: string }) => {
    const config = configs.get(EndpointConfigName);
    if (!config)
      throw sageMakerError('ValidationException', `Could not find endpoint configuration "${EndpointConfigName}".`);
    return config;
  });
  mock.on(DescribeEndpointCommand).callsFake(async ({ EndpointName }: { EndpointName: string }) => {
    const endpoint = endpoints.get(EndpointName);
    if (!endpoint) throw sageMakerError('ValidationException', `Could not find endpoint "${EndpointName}".`);
    return { ...endpoint };
  });
  mock
    .on(CreateEndpointCommand)
    .callsFake(async ({ EndpointName, EndpointConfigName }: { EndpointName: string; EndpointConfigName: string }) => {
      if (endpoints.has(EndpointName))
        throw sageMakerError('ValidationException', `Cannot create already existing endpoint "${EndpointName}".`);
      if (!configs.has(EndpointConfigName))
        throw sageMakerError('ValidationException', `Could not find endpoint configuration "${EndpointConfigName}".`);
      endpoints.set(EndpointName, { EndpointName, EndpointConfigName, EndpointStatus: 'Creating' });
      return {};
    });
  mock
    .on(UpdateEndpointCommand)
    .callsFake(async ({ EndpointName, EndpointConfigName }: { EndpointName: string; EndpointConfigName: string }) => {
      const endpoint = endpoints.get(EndpointName);
      if (!endpoint) throw sageMakerError('ValidationException', `Could not find endpoint "${EndpointName}".`);
      if (endpoint.EndpointStatus !== 'InService' && endpoint.EndpointStatus !== 'Failed') {
        throw sageMakerError('ValidationException', `Cannot update in-progress endpoint "${EndpointName}".`);
      }
      if (!configs.has(EndpointConfigName))
        throw sageMakerError('ValidationException', `Could not find endpoint configuration "${EndpointConfigName}".`);
      endpoints.set(EndpointName, { EndpointName, EndpointConfigName, EndpointStatus: 'Updating' });
      return {};
    });
  return { client, mock, jobs, models, configs, endpoints };
}

/** Mark every endpoint InService (what SageMaker does minutes after Create/UpdateEndpoint). */
export function settle(sm: FakeSageMaker): void {
  for (const e of sm.endpoints.values()) e.EndpointStatus = 'InService';
}

/** What SageMaker does when an update fails: the endpoint is InService again on its previous config. */
export function rollBackUpdate(sm: FakeSageMaker, endpointName: string, previousConfig: string, reason: string): void {
  sm.endpoints.set(endpointName, {
    EndpointName: endpointName,
    EndpointConfigName: previousConfig,
    EndpointStatus: 'InService',
    FailureReason: reason,
  });
}

/** An EventBridge "SageMaker Endpoint State Change" of the endpoint as it is now. */
export function endpointStateChange(sm: FakeSageMaker, endpointName: string): EndpointStateChangeEvent {
  const e = sm.endpoints.get(endpointName);
  return {
    version: '0',
    id: 'e-2',
    'detail-type': ENDPOINT_STATE_CHANGE.detailType,
    source: ENDPOINT_STATE_CHANGE.source,
    account: '123456789012',
    time: '2025-01-02T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      EndpointName: endpointName,
      EndpointStatus: (e?.EndpointStatus ?? 'Deleting') as EndpointStateChangeEvent['detail']['EndpointStatus'],
      EndpointConfigName: e?.EndpointConfigName,
    },
  };
}

export const PROCESSED = 'digits-test-processed';
export const ARTIFACTS = 'digits-test-artifacts';
export const PREFIX = 'digits-test';
export const ENDPOINT = 'digits-test';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/digits-test-sagemaker';
export const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/digits-test-model:latest';

/** deployModel's settings in the unit tests: the documented defaults (gate 0.98 / 0.005 / 1 point / floor 0.9, serverless 2048 MB × 5). */
export const DEPLOY_SETTINGS: DeploySettings = {
  artifactsBucket: ARTIFACTS,
  endpointName: ENDPOINT,
  jobPrefix: PREFIX,
  roleArn: ROLE_ARN,
  gate: {
    minAccuracy: 0.98,
    maxRegression: 0.005,
    classMaxDrop: 0.01,
    classFloor: 0.9,
    feedback: { maxReferenceDrop: 0.001, minGain: 0.02 },
  },
  endpoint: { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 },
};

/** startTraining's settings in the unit tests (attempt limit 3, as serverless.yml's default). */
export const TRAINING_SETTINGS: TrainingSettings = {
  processedBucket: PROCESSED,
  artifactsBucket: ARTIFACTS,
  jobPrefix: PREFIX,
  imageUri: IMAGE,
  roleArn: ROLE_ARN,
  instanceType: 'ml.m5.xlarge',
  volumeGb: 10,
  maxRuntimeSeconds: 3600,
  defaultHyperparameters: { epochs: '5', batch_size: '128' },
  fineTuneHyperparameters: { epochs: '3', learning_rate: '0.0005', replay_rows: '6000' },
  maxAttempts: 3,
};

/** A manifest as preprocess writes it: one shard per split, class counts that sum to the rows. */
export function manifest(dataset = 'mnist', version = 'v-0123456789abcdef', bucket = PROCESSED): Manifest {
  const split = (rows: number, split: 'train' | 'test') => ({
    rows,
    classCounts: Array.from({ length: 10 }, (_, d) => rows / 10 + (d === 0 ? rows % 10 : 0)),
    shards: [{ key: shardKey(dataset, version, split, 0), rows, bytes: rows * 1600 }],
    sources: {
      images: {
        bucket: 'digits-test-raw',
        key: `datasets/${dataset}/${split}-images.gz`,
        etag: '"e"',
        size: 1,
        sha256: 'a'.repeat(64),
      },
      labels: {
        bucket: 'digits-test-raw',
        key: `datasets/${dataset}/${split}-labels.gz`,
        etag: '"e"',
        size: 1,
        sha256: 'b'.repeat(64),
      },
    },
  });
  return {
    schemaVersion: 1,
    dataset,
    version,
    bucket,
    createdAt: '2025-01-01T00:00:00.000Z',
    format: {
      contentType: 'text/csv',
      header: false,
      labelColumn: 0,
      columns: 785,
      imageShape: [28, 28],
      pixelRange: [0, 255],
    },
    splits: { train: split(600, 'train'), test: split(100, 'test') },
  };
}

export function putManifest(s3: FakeS3, m: Manifest = manifest()): string {
  const key = manifestKey(m.dataset, m.version);
  s3.put(m.bucket, key, m);
  return key;
}

/** A finished job as DescribeTrainingJob returns it. */
export function completedJob(
  name: string,
  testAccuracy: number | undefined,
  extra: Partial<DescribeTrainingJobResponse> = {},
): DescribeTrainingJobResponse {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    HyperParameters: { epochs: '5', dataset: 'mnist', dataset_version: 'v-0123456789abcdef' },
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    ModelArtifacts: { S3ModelArtifacts: `s3://${ARTIFACTS}/training/${name}/output/model.tar.gz` },
    FinalMetricDataList:
      testAccuracy === undefined ? [] : [{ MetricName: 'test_accuracy', Value: testAccuracy, Timestamp: new Date() }],
    TrainingEndTime: new Date('2025-01-02T00:00:00Z'),
    RoleArn: ROLE_ARN,
    ...extra,
  } as DescribeTrainingJobResponse;
}

/** A logger that keeps what it was told, so tests can check a refusal's reason was logged. */
export function memoryLogger(): Logger & {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const REFERENCE_VERSION = 'r-0123456789abcdef';

/** Reference scores with every class at `accuracy` (1,000 images a class; the matrix rounded). */
export function evenReferenceScores(accuracy: number, version = REFERENCE_VERSION): ReferenceScores {
  const right = Math.round(accuracy * 1000);
  return {
    version,
    rows: 10_000,
    accuracy,
    perClassAccuracy: Array<number>(10).fill(accuracy),
    confusionMatrix: Array.from({ length: 10 }, (_, d) =>
      Array.from({ length: 10 }, (_, p) => (p === d ? right : p === (d + 1) % 10 ? 1000 - right : 0)),
    ),
  };
}

/** Robustness scores as the trainer writes them into metadata.json. */
export const ROBUSTNESS_SCORES: RobustnessScores = {
  suite: 'digits-c-1',
  source: `reference ${REFERENCE_VERSION}`,
  images: 100,
  clean: 0.98,
  corruptions: { rotate: 0.9, noise: 0.75, 'lowres-8': 0.8 },
  mean: 0.8167,
};

/** A model.tar.gz holding just metadata.json, scored `accuracy` on the reference set in every class. */
export function modelArtifact(accuracy: number, version = REFERENCE_VERSION): Buffer {
  const reference = evenReferenceScores(accuracy, version);
  const metadata: ModelMetadata = {
    hyperparameters: { epochs: 1 },
    trainRows: 1000,
    testRows: 10_000,
    testAccuracy: accuracy,
    perClassAccuracy: reference.perClassAccuracy,
    confusionMatrix: reference.confusionMatrix,
    trainingSeconds: 1,
    trainedAt: '2025-01-02T00:00:00.000Z',
    versions: {},
    backend: 'wasm',
    input: { shape: [28, 28, 1], scale: '0..1' },
    reference,
    robustness: ROBUSTNESS_SCORES,
  };
  const dir = mkdtempSync(join(tmpdir(), 'model-artifact-'));
  try {
    writeFileSync(join(dir, MODEL_METADATA_FILE), encodeModelMetadata(metadata));
    createTar({ gzip: true, sync: true, cwd: dir, file: join(dir, 'model.tar.gz') }, [MODEL_METADATA_FILE]);
    return readFileSync(join(dir, 'model.tar.gz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A completed job whose artifact (in the fake S3) holds a model report scored `accuracy`. */
export function completedJobWithArtifact(s3: FakeS3, name: string, accuracy: number): DescribeTrainingJobResponse {
  s3.put(ARTIFACTS, `training/${name}/output/model.tar.gz`, modelArtifact(accuracy));
  return completedJob(name, accuracy);
}

/**
 * deployModel's `readReport` for the fakes: a job's metadata.json scores it on the reference set
 * as its final test_accuracy says (every class alike); a job without one has no readable report.
 */
export function reportsOf(sm: FakeSageMaker): (artifactUri: string) => Promise<ModelReport> {
  return async (uri) => {
    const name = /\/training\/([^/]+)\/output\//.exec(uri)?.[1] ?? '';
    const accuracy = sm.jobs.get(name)?.FinalMetricDataList?.find((m) => m.MetricName === 'test_accuracy')?.Value;
    if (accuracy === undefined) throw new Error(`${uri} holds no metadata.json`);
    const reference = evenReferenceScores(accuracy);
    return {
      evaluation: {
        testRows: 1000,
        perClassAccuracy: reference.perClassAccuracy,
        confusionMatrix: reference.confusionMatrix,
      },
      reference,
    };
  };
}
