import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { create as createTar } from 'tar';
import { ML_ROOT_ENV } from '@digits/common';
import { ManagedChild, type Stream } from './child-process';
import { MetricCapture, type MetricDatum } from './metrics';
import { downloadPrefix, joinS3, parseS3Uri, uploadFile } from './s3-objects';

/**
 * One training job run the way SageMaker runs a "bring your own container" image: a folder shaped
 * like /opt/ml (input/config/*.json, input/data/<channel>/, model/, output/), the container's
 * `train` as a child process with DIGITS_ML_ROOT pointing at it, metrics captured from its log,
 * model/ tarred into model.tar.gz and uploaded to <S3OutputPath>/<job>/output/model.tar.gz.
 */

export type SecondaryStatus = 'Starting' | 'Downloading' | 'Training' | 'Uploading' | 'Stopping';
export type StopCause = 'Stopped' | 'MaxRuntimeExceeded';

export interface TrainingJobSpec {
  TrainingJobName: string;
  TrainingJobArn: string;
  HyperParameters?: Record<string, string>;
  AlgorithmSpecification: { TrainingInputMode?: string; MetricDefinitions?: Array<{ Name: string; Regex: string }> };
  InputDataConfig?: Array<{
    ChannelName: string;
    DataSource?: { S3DataSource?: { S3Uri: string; S3DataType?: string; S3DataDistributionType?: string } };
    ContentType?: string;
    CompressionType?: string;
    RecordWrapperType?: string;
    InputMode?: string;
  }>;
  OutputDataConfig: { S3OutputPath: string };
  StoppingCondition: { MaxRuntimeInSeconds?: number };
  Environment?: Record<string, string>;
}

export interface TrainingOutcome {
  status: 'Completed' | 'Failed' | 'Stopped';
  /** The final SecondaryStatus: Completed, Failed, Stopped or MaxRuntimeExceeded. */
  secondaryStatus: 'Completed' | 'Failed' | StopCause;
  failureReason?: string;
  modelArtifact?: string;
  metrics: MetricDatum[];
  /** When `train` started and ended (ms); absent when it never ran. */
  trainingStartMs?: number;
  trainingEndMs?: number;
}

export interface TrainingRunOptions {
  job: TrainingJobSpec;
  jobDir: string;
  logFile: string;
  modelCommand: readonly string[];
  s3: S3Client;
  stopGraceMs: number;
  onSecondaryStatus(status: SecondaryStatus, message: string): void;
  onLine(line: string, stream: Stream): void;
}

/** SageMaker's FailureReason is at most 1024 characters. */
const FAILURE_REASON_MAX = 1024;
const truncate = (s: string) => (s.length > FAILURE_REASON_MAX ? `${s.slice(0, FAILURE_REASON_MAX - 3)}...` : s);

export class TrainingRun {
  readonly done: Promise<TrainingOutcome>;
  private stopCause?: StopCause;
  private child?: ManagedChild;
  private readonly metrics: MetricCapture;
  private maxRuntimeTimer?: NodeJS.Timeout;

  constructor(private readonly options: TrainingRunOptions) {
    this.metrics = new MetricCapture(options.job.AlgorithmSpecification.MetricDefinitions ?? []);
    const maxSeconds = options.job.StoppingCondition.MaxRuntimeInSeconds;
    if (maxSeconds !== undefined) {
      this.maxRuntimeTimer = setTimeout(() => this.stop('MaxRuntimeExceeded'), maxSeconds * 1000);
      this.maxRuntimeTimer.unref();
    }
    this.done = this.run().finally(() => clearTimeout(this.maxRuntimeTimer));
  }

  /** Ask the job to stop: SIGTERM to `train`, SIGKILL after the grace period. */
  stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    this.options.onSecondaryStatus('Stopping', 'Stopping the training job');
    void this.child?.stop(this.options.stopGraceMs);
  }

  private async run(): Promise<TrainingOutcome> {
    const { job, jobDir, onSecondaryStatus } = this.options;
    await mkdir(dirname(this.options.logFile), { recursive: true });
    const log = createWriteStream(this.options.logFile, { flags: 'a' });
    const line = (text: string, stream: Stream) => {
      log.write(`${text}\n`);
      this.metrics.observe(text);
      this.options.onLine(text, stream);
    };
    try {
      onSecondaryStatus('Starting', 'Preparing the instances for training');
      await this.prepareFolder();
      if (this.stopCause) return this.stopped();

      onSecondaryStatus('Downloading', 'Downloading input data');
      try {
        for (const channel of job.InputDataConfig ?? []) {
          const uri = channel.DataSource?.S3DataSource?.S3Uri;
          if (!uri) continue;
          const count = await downloadPrefix(
            this.options.s3,
            parseS3Uri(uri),
            join(jobDir, 'input', 'data', channel.ChannelName),
          );
          line(`[local-sagemaker] channel ${channel.ChannelName}: ${count} object(s) from ${uri}`, 'stderr');
          if (this.stopCause) return this.stopped();
        }
      } catch (e) {
        return this.failed(`ClientError: Data download failed: ${(e as Error).message}`);
      }

      onSecondaryStatus('Training', 'Training image download completed. Training in progress.');
      const trainingStartMs = Date.now();
      const exit = await this.train(line);
      const trainingEndMs = Date.now();
      const times = { trainingStartMs, trainingEndMs };

      if (exit.error)
        return {
          ...this.failed(`AlgorithmError: could not start the training command: ${exit.error.message}`),
          ...times,
        };
      if (this.stopCause) {
        const artifact = (await this.hasModelFiles()) ? await this.uploadModel().catch(() => undefined) : undefined;
        return { ...this.stopped(), ...times, ...(artifact ? { modelArtifact: artifact } : {}) };
      }
      if (exit.code !== 0) {
        const failure = await readFile(join(jobDir, 'output', 'failure'), 'utf8').catch(() => '');
        const detail = failure.trim() || `exit code ${exit.code ?? exit.signal}`;
        return { ...this.failed(`AlgorithmError: ${detail}`), ...times };
      }

      onSecondaryStatus('Uploading', 'Uploading generated training model');
      try {
        const modelArtifact = await this.uploadModel();
        return {
          status: 'Completed',
          secondaryStatus: 'Completed',
          modelArtifact,
          metrics: this.metrics.final(),
          ...times,
        };
      } catch (e) {
        return { ...this.failed(`ClientError: Model upload failed: ${(e as Error).message}`), ...times };
      }
    } catch (e) {
      return this.failed(`InternalServerError: ${(e as Error).message}`);
    } finally {
      await new Promise<void>((resolveEnd) => log.end(resolveEnd));
    }
  }

  private failed(reason: string): TrainingOutcome {
    return {
      status: 'Failed',
      secondaryStatus: 'Failed',
      failureReason: truncate(reason),
      metrics: this.metrics.final(),
    };
  }

  private stopped(): TrainingOutcome {
    return { status: 'Stopped', secondaryStatus: this.stopCause ?? 'Stopped', metrics: this.metrics.final() };
  }

  /** A fresh /opt/ml-shaped folder: what SageMaker's agent writes before starting the container. */
  private async prepareFolder(): Promise<void> {
    const { job, jobDir } = this.options;
    await rm(jobDir, { recursive: true, force: true });
    for (const sub of ['input/config', 'input/data', 'model', 'output', 'output/data'])
      await mkdir(join(jobDir, sub), { recursive: true });
    const channels = Object.fromEntries(
      (job.InputDataConfig ?? []).map((c) => [
        c.ChannelName,
        {
          TrainingInputMode: c.InputMode ?? job.AlgorithmSpecification.TrainingInputMode ?? 'File',
          S3DistributionType: c.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
          RecordWrapperType: c.RecordWrapperType ?? 'None',
          ...(c.ContentType ? { ContentType: c.ContentType } : {}),
        },
      ]),
    );
    const config = join(jobDir, 'input', 'config');
    await writeFile(join(config, 'hyperparameters.json'), JSON.stringify(job.HyperParameters ?? {}));
    await writeFile(join(config, 'inputdataconfig.json'), JSON.stringify(channels));
    await writeFile(
      join(config, 'resourceconfig.json'),
      JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'eth0' }),
    );
    for (const name of Object.keys(channels)) await mkdir(join(jobDir, 'input', 'data', name), { recursive: true });
  }

  private async train(line: (text: string, stream: Stream) => void) {
    const { job, jobDir } = this.options;
    this.child = new ManagedChild({
      argv: [...this.options.modelCommand, 'train'],
      cwd: jobDir,
      env: {
        ...process.env,
        ...(job.Environment ?? {}),
        [ML_ROOT_ENV]: jobDir,
        TRAINING_JOB_NAME: job.TrainingJobName,
        TRAINING_JOB_ARN: job.TrainingJobArn,
      },
      onLine: line,
    });
    // A stop that arrived while the child was being spawned.
    if (this.stopCause) void this.child.stop(this.options.stopGraceMs);
    return this.child.exited;
  }

  private async hasModelFiles(): Promise<boolean> {
    return (await readdir(join(this.options.jobDir, 'model')).catch(() => [])).length > 0;
  }

  /** model/ → model.tar.gz (entries relative to model/, like SageMaker's) → S3. */
  private async uploadModel(): Promise<string> {
    const { job, jobDir } = this.options;
    const modelDir = join(jobDir, 'model');
    const tarball = `${jobDir}.model.tar.gz`;
    const entries = await readdir(modelDir);
    try {
      if (entries.length > 0) await createTar({ gzip: true, file: tarball, cwd: modelDir, portable: true }, entries);
      // An empty model/ still yields a (valid, empty) archive, as on SageMaker.
      else await writeFile(tarball, gzipSync(Buffer.alloc(1024)));
      const uri = joinS3(job.OutputDataConfig.S3OutputPath, job.TrainingJobName, 'output', 'model.tar.gz');
      await uploadFile(this.options.s3, tarball, parseS3Uri(uri), 'application/x-tar');
      return uri;
    } finally {
      await rm(tarball, { force: true });
    }
  }
}
