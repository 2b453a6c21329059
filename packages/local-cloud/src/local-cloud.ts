import { rm, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createLogger, createS3Client, PUBLIC_DATASET } from '@digits/common';
import { MetricsFile, startFunctions, type LocalFunctions } from './functions';
import { localAwsEnv, startLocalS3, type LocalS3 } from './local-s3';
import { startLocalSageMaker, type LocalSageMaker } from './sagemaker';

/**
 * The whole offline cloud: local S3 (s3rver) + local SageMaker + the four services' functions and
 * HTTP API, wired the way AWS wires them (S3 notifications, EventBridge). Used by `pnpm start`,
 * the end-to-end test and `pnpm bench:e2e`; nothing here knows what the services do.
 */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const SERVICE_DIRS = ['ingest', 'preprocess', 'training', 'inference', 'monitoring'].map((s) =>
  join(REPO_ROOT, 'services', s),
);

/** Settings of the `--quick` smoke profile: a small row limit and one epoch, and a gate to match. */
export const QUICK_PROFILE = {
  DEFAULT_HYPERPARAMETERS: JSON.stringify({
    epochs: '1',
    batch_size: '64',
    learning_rate: '0.003',
    seed: '42',
    max_rows: '8000',
    max_test_rows: '2000',
  }),
  // Fine-tuning the quick model: lighter than the stage default (a third of the rows per epoch).
  FINE_TUNE_HYPERPARAMETERS: JSON.stringify({ epochs: '3', learning_rate: '0.0005', replay_rows: '6000' }),
  GATE_MIN_ACCURACY: '0.9',
  // One epoch on 8,000 rows leaves its weakest digits near 0.87 on the reference set.
  GATE_CLASS_FLOOR: '0.8',
};

export interface LocalCloudOptions {
  dataDir: string;
  fresh?: boolean;
  quick?: boolean;
  httpPort?: number;
  s3Port?: number;
  sageMakerPort?: number;
  /** Extra variables for resolving serverless.yml (`${env:...}`), e.g. GATE_MIN_ACCURACY. */
  configEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface LocalCloud {
  s3: LocalS3;
  sageMaker: LocalSageMaker;
  functions: LocalFunctions;
  /** An S3 client for the local S3 (for seeding and inspection). */
  s3Client: S3Client;
  /** The EMF metric lines the functions printed (CloudWatch's stand-in), `<data>/metrics/emf.jsonl`. */
  metrics: MetricsFile;
  /** Environment that points the unchanged SDK / AWS CLI at the stand-ins. */
  awsEnv: Record<string, string>;
  apiUrl: string;
  buckets: string[];
  close(): Promise<void>;
}

/**
 * argv prefix of the model "container": packages/model's CLI run by Node through tsx. Found by its
 * place in the repository, as the services are: the offline cloud runs it, never imports it.
 */
export function modelCommand(): string[] {
  const modelDir = join(REPO_ROOT, 'packages', 'model');
  return [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href, join(modelDir, 'src', 'cli.ts')];
}

export const metricsFilePath = (dataDir: string): string => join(resolve(dataDir), 'metrics', 'emf.jsonl');

/**
 * What every local function's environment starts from: the stand-ins' endpoints and credentials,
 * the log level, and no X-Ray (there is no daemon here; Powertools Tracer would otherwise try).
 */
export function functionBaseEnv(awsEnv: Record<string, string>): Record<string, string> {
  return { ...awsEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', POWERTOOLS_TRACE_ENABLED: 'false' };
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e: Error) => log(`[local-cloud] close: ${e.message}`));
    closers.length = 0;
  };
  try {
    const s3 = await startLocalS3({ directory: join(dataDir, 's3'), port: options.s3Port ?? 0 });
    closers.push(() => s3.close());
    const s3Env = localAwsEnv({ s3: s3.endpoint });
    const s3Client = createS3Client(
      {
        endpoint: s3.endpoint,
        region: s3Env.AWS_REGION,
        credentials: { accessKeyId: s3Env.AWS_ACCESS_KEY_ID!, secretAccessKey: s3Env.AWS_SECRET_ACCESS_KEY! },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
      s3Env,
    );

    const smLogger = createLogger('local-sagemaker', (line) => log(line));
    const sageMaker = await startLocalSageMaker({
      workDir: join(dataDir, 'sagemaker'),
      port: options.sageMakerPort ?? 0,
      modelCommand: modelCommand(),
      s3: s3Client,
      log: smLogger,
      // One training job at a time: two would halve each other's CPU on a small machine.
      maxConcurrentTrainingJobs: 1,
    });
    closers.push(() => sageMaker.close());

    const awsEnv = localAwsEnv({
      s3: s3.endpoint,
      sagemaker: sageMaker.endpoint,
      sagemakerRuntime: sageMaker.endpoint,
    });
    const configEnv: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...awsEnv,
      ...(options.quick ? QUICK_PROFILE : {}),
      ...options.configEnv,
    };
    const metrics = new MetricsFile(metricsFilePath(dataDir));
    const functions = await startFunctions({
      serviceDirs: SERVICE_DIRS,
      stage: 'local',
      baseEnv: functionBaseEnv(awsEnv),
      metricsFile: metrics,
      configEnv,
      httpPort: options.httpPort ?? 0,
      cacheDir: join(dataDir, 'functions'),
      failedEventsDir: join(dataDir, 'failed-events'),
      pendingEventsDir: join(dataDir, 'pending-events'),
      log,
    });
    closers.push(() => functions.close());

    // The buckets the stacks would create: every bucket a function is subscribed to or told about.
    const buckets = new Set<string>([PUBLIC_DATASET.bucket]);
    for (const service of functions.services) {
      for (const fn of service.functions) {
        fn.events.s3.forEach((e) => buckets.add(e.bucket));
        for (const [name, value] of Object.entries(fn.environment)) if (/_BUCKET$/.test(name)) buckets.add(value);
      }
    }
    for (const Bucket of buckets) {
      await s3Client.send(new CreateBucketCommand({ Bucket })).catch((e: Error) => {
        if (!/BucketAlready(OwnedByYou|Exists)/.test(e.name)) throw e;
      });
    }

    const detachS3 = functions.attachS3(s3.server);
    closers.push(async () => detachS3());
    sageMaker.onEvent((event) => functions.putEvents(event));
    // What a killed run had accepted and not finished (a preprocess, a deploy) goes on now.
    const redelivered = functions.redeliverPending();
    if (redelivered) log(`[functions] redelivering ${redelivered} async event(s) an earlier run did not finish`);

    return {
      s3,
      sageMaker,
      functions,
      s3Client,
      metrics,
      awsEnv,
      apiUrl: functions.httpUrl,
      buckets: [...buckets],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
