import { join } from 'node:path';
import { EVENT, LOG, paginate, sortBy, type Context, type LogLine } from './context';
import { refuseRuntimeVariables } from './environment';
import { resourceInUse, resourceLimitExceeded, validationException } from './errors';
import { regexError } from './metrics';
import { listKeys, parseS3Uri } from './s3-objects';
import { key, type TrainingJobRecord } from './state';
import { trainingJobEvent } from './state-change-events';
import { TrainingRun, type SecondaryStatus, type TrainingJobSpec, type TrainingOutcome } from './training-run';
import {
  ENVIRONMENT_KEY_PATTERN,
  memberPath,
  NAME_PATTERN,
  ROLE_ARN_PATTERN,
  S3_URI_PATTERN,
  Validator,
} from './validate';
import { epochSeconds, sageMakerArn } from './wire';

/** CreateTrainingJob, DescribeTrainingJob, StopTrainingJob, ListTrainingJobs and the jobs' lifecycle. */

type Input = Record<string, unknown>;

const TRANSITION_MESSAGES: Record<string, string> = {
  Completed: 'Training job completed',
  Failed: 'Training job failed',
  Stopped: 'Training job stopped',
  MaxRuntimeExceeded: 'Training job stopped because it exceeded MaxRuntimeInSeconds',
};

/** DescribeTrainingJob for an unknown name answers this (not ResourceNotFound), as SageMaker does. */
const notFound = () => validationException('Requested resource not found.');

export class TrainingJobs {
  private readonly runs = new Map<string, TrainingRun>();
  private closing = false;

  constructor(private readonly ctx: Context) {}

  jobDir(name: string): string {
    return join(this.ctx.workDir, 'training-jobs', name);
  }

  logFile(name: string): string {
    return join(this.ctx.workDir, 'logs', 'training-jobs', `${name}.log`);
  }

  async CreateTrainingJob(input: Input) {
    const spec = this.validateCreate(input);
    const name = spec.TrainingJobName;
    const arn = sageMakerArn(this.ctx.region, 'training-job', name);
    const assertCanCreate = () => {
      if (this.ctx.state.trainingJobs[key(name)]) {
        throw resourceInUse(
          `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
        );
      }
      const active = Object.values(this.ctx.state.trainingJobs).filter(
        (j) => j.TrainingJobStatus === 'InProgress' || j.TrainingJobStatus === 'Stopping',
      ).length;
      if (active >= this.ctx.settings.maxConcurrentTrainingJobs) {
        const type = String((input.ResourceConfig as Input | undefined)?.InstanceType ?? 'training');
        throw resourceLimitExceeded(
          `The account-level service limit '${type} for training job usage' is ${this.ctx.settings.maxConcurrentTrainingJobs} Instances, with current utilization of ${active} Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.`,
        );
      }
    };
    assertCanCreate();
    // Like SageMaker, an input channel with nothing under its S3 prefix is refused up front.
    for (const channel of spec.InputDataConfig ?? []) {
      const uri = channel.DataSource?.S3DataSource?.S3Uri;
      if (!uri) continue;
      const location = parseS3Uri(uri);
      const found = await listKeys(this.ctx.s3, location, 1).catch(() => []);
      if (found.length === 0) {
        throw validationException(
          `No S3 objects found under S3 URL "${uri}" given in input data source. Please ensure that the bucket exists in the selected region (${this.ctx.region}), that objects exist under that S3 prefix, and that the role "${String(input.RoleArn)}" has "s3:ListBucket" permissions on bucket "${location.bucket}".`,
        );
      }
    }

    // The S3 look-ups above yield: a concurrent create of the same name (a redelivered event) may have won meanwhile.
    assertCanCreate();

    const now = epochSeconds();
    const job: TrainingJobRecord = {
      TrainingJobName: name,
      TrainingJobArn: arn,
      ModelArtifacts: undefined,
      TrainingJobStatus: 'InProgress',
      SecondaryStatus: 'Starting',
      HyperParameters: spec.HyperParameters ?? {},
      AlgorithmSpecification: {
        ...(input.AlgorithmSpecification as object),
        EnableSageMakerMetricsTimeSeries: false,
      } as TrainingJobRecord['AlgorithmSpecification'],
      RoleArn: input.RoleArn as string,
      InputDataConfig: input.InputDataConfig as TrainingJobRecord['InputDataConfig'],
      OutputDataConfig: input.OutputDataConfig as TrainingJobRecord['OutputDataConfig'],
      ResourceConfig: input.ResourceConfig as TrainingJobRecord['ResourceConfig'],
      StoppingCondition: input.StoppingCondition as TrainingJobRecord['StoppingCondition'],
      CreationTime: now,
      LastModifiedTime: now,
      SecondaryStatusTransitions: [{ Status: 'Starting', StartTime: now, StatusMessage: messageFor('Starting') }],
      EnableNetworkIsolation: (input.EnableNetworkIsolation as boolean | undefined) ?? false,
      EnableInterContainerTrafficEncryption:
        (input.EnableInterContainerTrafficEncryption as boolean | undefined) ?? false,
      EnableManagedSpotTraining: (input.EnableManagedSpotTraining as boolean | undefined) ?? false,
      ...(spec.Environment ? { Environment: spec.Environment } : {}),
      Tags: (input.Tags as TrainingJobRecord['Tags'] | undefined) ?? [],
    };
    this.ctx.state.trainingJobs[key(name)] = job;
    this.start(job, { ...spec, TrainingJobArn: arn });
    return { TrainingJobArn: arn };
  }

  async DescribeTrainingJob(input: Input) {
    const v = new Validator();
    const name = v.string('trainingJobName', input.TrainingJobName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    });
    v.done();
    const { Tags: _tags, ...describe } = this.get(name!);
    return describe;
  }

  async StopTrainingJob(input: Input) {
    const v = new Validator();
    const name = v.string('trainingJobName', input.TrainingJobName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    });
    v.done();
    const job = this.get(name!);
    if (job.TrainingJobStatus !== 'InProgress') {
      throw validationException(
        `The request was rejected because the training job is in status ${job.TrainingJobStatus}.`,
      );
    }
    this.update(job, { TrainingJobStatus: 'Stopping' });
    this.runs.get(key(name!))?.stop('Stopped');
    return {};
  }

  async ListTrainingJobs(input: Input) {
    const v = new Validator();
    const maxResults = v.number('maxResults', input.MaxResults, { min: 1, max: 100, integer: true });
    const nextToken = v.string('nextToken', input.NextToken, { max: 8192 });
    const nameContains = v.string('nameContains', input.NameContains, { max: 63, pattern: '[a-zA-Z0-9\\-]+' });
    const status = v.string('statusEquals', input.StatusEquals, {
      enum: ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'],
    });
    const sortByField =
      v.string('sortBy', input.SortBy, { enum: ['Name', 'CreationTime', 'Status'] }) ?? 'CreationTime';
    const order = v.string('sortOrder', input.SortOrder, { enum: ['Ascending', 'Descending'] }) ?? 'Ascending';
    const times = Object.fromEntries(
      (['CreationTimeAfter', 'CreationTimeBefore', 'LastModifiedTimeAfter', 'LastModifiedTimeBefore'] as const).map(
        (f) => [f, v.timestamp(memberPath('', f), input[f])],
      ),
    );
    v.done();
    const jobs = Object.values(this.ctx.state.trainingJobs).filter(
      (j) =>
        (!nameContains || j.TrainingJobName!.toLowerCase().includes(nameContains.toLowerCase())) &&
        (!status || j.TrainingJobStatus === status) &&
        (times.CreationTimeAfter === undefined || j.CreationTime! > times.CreationTimeAfter) &&
        (times.CreationTimeBefore === undefined || j.CreationTime! < times.CreationTimeBefore) &&
        (times.LastModifiedTimeAfter === undefined || j.LastModifiedTime! > times.LastModifiedTimeAfter) &&
        (times.LastModifiedTimeBefore === undefined || j.LastModifiedTime! < times.LastModifiedTimeBefore),
    );
    const field = (j: TrainingJobRecord) =>
      sortByField === 'Name' ? j.TrainingJobName! : sortByField === 'Status' ? j.TrainingJobStatus! : j.CreationTime!;
    const { page, NextToken } = paginate(sortBy(jobs, field, order === 'Descending'), maxResults, nextToken, 10);
    return {
      TrainingJobSummaries: page.map((j) => ({
        TrainingJobName: j.TrainingJobName,
        TrainingJobArn: j.TrainingJobArn,
        CreationTime: j.CreationTime,
        ...(j.TrainingEndTime !== undefined ? { TrainingEndTime: j.TrainingEndTime } : {}),
        LastModifiedTime: j.LastModifiedTime,
        TrainingJobStatus: j.TrainingJobStatus,
        SecondaryStatus: j.SecondaryStatus,
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  /** After a restart: a job that was running when the stand-in stopped cannot be resumed. */
  failInterrupted(): void {
    for (const job of Object.values(this.ctx.state.trainingJobs)) {
      if (job.TrainingJobStatus === 'InProgress' || job.TrainingJobStatus === 'Stopping') this.interrupted(job);
    }
  }

  /** Stops every running `train` (close of the stand-in); their jobs end Failed. */
  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.runs.entries()];
    for (const [, run] of running) run.stop('Stopped');
    await Promise.all(running.map(([, run]) => run.done.catch(() => undefined)));
    for (const [name] of running) {
      const job = this.ctx.state.trainingJobs[name];
      if (job && (job.TrainingJobStatus === 'InProgress' || job.TrainingJobStatus === 'Stopping'))
        this.interrupted(job);
    }
  }

  private interrupted(job: TrainingJobRecord): void {
    this.finish(job, {
      status: 'Failed',
      secondaryStatus: 'Failed',
      failureReason:
        'InternalServerError: the local SageMaker was stopped while this training job was running; start a new training job.',
      metrics: (job.FinalMetricDataList as TrainingOutcome['metrics']) ?? [],
    });
  }

  private get(name: string): TrainingJobRecord {
    const job = this.ctx.state.trainingJobs[key(name)];
    if (!job) throw notFound();
    return job;
  }

  private start(job: TrainingJobRecord, spec: TrainingJobSpec): void {
    const name = job.TrainingJobName!;
    const run = new TrainingRun({
      job: spec,
      jobDir: this.jobDir(name),
      logFile: this.logFile(name),
      modelCommand: this.ctx.modelCommand,
      s3: this.ctx.s3,
      stopGraceMs: this.ctx.settings.stopGraceMs,
      onSecondaryStatus: (status) => this.secondary(job, status),
      onLine: (line, stream) => {
        const event: LogLine = { source: 'training-job', name, stream, line, time: Date.now() };
        this.ctx.emitter.emit(LOG, event);
      },
    });
    this.runs.set(key(name), run);
    run.done.then(
      (outcome) => {
        this.runs.delete(key(name));
        if (!this.closing) this.finish(job, outcome);
      },
      (e: unknown) => {
        this.runs.delete(key(name));
        if (!this.closing)
          this.finish(job, {
            status: 'Failed',
            secondaryStatus: 'Failed',
            failureReason: `InternalServerError: ${(e as Error).message}`,
            metrics: [],
          });
      },
    );
    this.emit(job);
  }

  private secondary(job: TrainingJobRecord, status: SecondaryStatus): void {
    if (job.SecondaryStatus === status) return;
    const now = epochSeconds();
    const transitions = job.SecondaryStatusTransitions ?? [];
    const last = transitions[transitions.length - 1];
    if (last && last.EndTime === undefined) last.EndTime = now;
    transitions.push({ Status: status, StartTime: now, StatusMessage: messageFor(status) });
    const patch: Partial<TrainingJobRecord> = { SecondaryStatus: status, SecondaryStatusTransitions: transitions };
    if (status === 'Downloading' && job.TrainingStartTime === undefined) patch.TrainingStartTime = now;
    this.update(job, patch);
  }

  private finish(job: TrainingJobRecord, outcome: TrainingOutcome): void {
    const now = epochSeconds();
    const transitions = job.SecondaryStatusTransitions ?? [];
    const last = transitions[transitions.length - 1];
    if (last && last.EndTime === undefined) last.EndTime = now;
    transitions.push({
      Status: outcome.secondaryStatus,
      StartTime: now,
      EndTime: now,
      StatusMessage: TRANSITION_MESSAGES[outcome.secondaryStatus],
    });
    const start = job.TrainingStartTime ?? now;
    const seconds = Math.max(1, Math.round(now - start));
    this.update(job, {
      TrainingJobStatus: outcome.status,
      SecondaryStatus: outcome.secondaryStatus,
      SecondaryStatusTransitions: transitions,
      TrainingStartTime: start,
      TrainingEndTime: now,
      TrainingTimeInSeconds: seconds,
      BillableTimeInSeconds: seconds,
      FinalMetricDataList: outcome.metrics,
      ...(outcome.modelArtifact ? { ModelArtifacts: { S3ModelArtifacts: outcome.modelArtifact } } : {}),
      ...(outcome.failureReason ? { FailureReason: outcome.failureReason } : {}),
    });
    this.ctx.log.info('training job ended', {
      trainingJobName: job.TrainingJobName,
      status: outcome.status,
      failureReason: outcome.failureReason,
    });
  }

  private update(job: TrainingJobRecord, patch: Partial<TrainingJobRecord>): void {
    Object.assign(job, patch, { LastModifiedTime: epochSeconds() });
    this.ctx.persist();
    this.emit(job);
  }

  private emit(job: TrainingJobRecord): void {
    this.ctx.emitter.emit(EVENT, trainingJobEvent(this.ctx.region, job));
  }

  private validateCreate(input: Input): TrainingJobSpec {
    const v = new Validator();
    v.string('trainingJobName', input.TrainingJobName, { required: true, min: 1, max: 63, pattern: NAME_PATTERN });
    v.string('roleArn', input.RoleArn, { required: true, min: 20, max: 2048, pattern: ROLE_ARN_PATTERN });
    v.stringMap('hyperParameters', input.HyperParameters, {
      max: 100,
      key: { max: 256, pattern: '.*' },
      value: { max: 2500, pattern: '.*' },
    });
    const environment = v.stringMap('environment', input.Environment, {
      max: 100,
      key: { max: 512, pattern: ENVIRONMENT_KEY_PATTERN },
      value: { max: 512, pattern: '[\\S\\s]*' },
    });
    v.tags('tags', input.Tags);
    v.boolean('enableNetworkIsolation', input.EnableNetworkIsolation);
    v.boolean('enableInterContainerTrafficEncryption', input.EnableInterContainerTrafficEncryption);
    v.boolean('enableManagedSpotTraining', input.EnableManagedSpotTraining);

    const algo = v.object('algorithmSpecification', input.AlgorithmSpecification, true);
    const image = v.string('algorithmSpecification.trainingImage', algo?.TrainingImage, { max: 255, pattern: '.*' });
    const algorithmName = v.string('algorithmSpecification.algorithmName', algo?.AlgorithmName, { min: 1, max: 170 });
    v.string('algorithmSpecification.trainingInputMode', algo?.TrainingInputMode, {
      enum: ['Pipe', 'File', 'FastFile'],
    });
    const metrics = v.list('algorithmSpecification.metricDefinitions', algo?.MetricDefinitions, { max: 40 });
    metrics?.forEach((m, i) => {
      const p = memberPath('algorithmSpecification.metricDefinitions', i);
      const def = v.object(p, m, true);
      v.string(memberPath(p, 'Name'), def?.Name, { required: true, min: 1, max: 255, pattern: '.+' });
      const regex = v.string(memberPath(p, 'Regex'), def?.Regex, { required: true, min: 1, max: 500, pattern: '.+' });
      const problem = regex === undefined ? undefined : regexError(regex);
      if (problem) throw validationException(`Invalid MetricDefinitions regex "${regex}": ${problem}`);
    });

    const channels = v.list('inputDataConfig', input.InputDataConfig, { min: 1, max: 20 });
    channels?.forEach((c, i) => {
      const p = memberPath('inputDataConfig', i);
      const channel = v.object(p, c, true);
      v.string(memberPath(p, 'ChannelName'), channel?.ChannelName, {
        required: true,
        min: 1,
        max: 64,
        pattern: '[A-Za-z0-9\\.\\-_]+',
      });
      v.string(memberPath(p, 'InputMode'), channel?.InputMode, { enum: ['Pipe', 'File', 'FastFile'] });
      const source = v.object(memberPath(p, 'DataSource'), channel?.DataSource, true);
      const s3 = v.object(`${p}.dataSource.s3DataSource`, source?.S3DataSource, source !== undefined);
      v.string(`${p}.dataSource.s3DataSource.s3DataType`, s3?.S3DataType, {
        required: s3 !== undefined,
        enum: ['ManifestFile', 'S3Prefix', 'AugmentedManifestFile', 'Converse'],
      });
      v.string(`${p}.dataSource.s3DataSource.s3Uri`, s3?.S3Uri, {
        required: s3 !== undefined,
        max: 1024,
        pattern: S3_URI_PATTERN,
      });
    });

    const output = v.object('outputDataConfig', input.OutputDataConfig, true);
    v.string('outputDataConfig.s3OutputPath', output?.S3OutputPath, {
      required: output !== undefined,
      max: 1024,
      pattern: S3_URI_PATTERN,
    });
    const resources = v.object('resourceConfig', input.ResourceConfig, true);
    v.string('resourceConfig.instanceType', resources?.InstanceType, { pattern: 'ml\\.[a-z0-9]+\\.[a-z0-9]+' });
    v.number('resourceConfig.instanceCount', resources?.InstanceCount, { min: 0, integer: true });
    v.number('resourceConfig.volumeSizeInGB', resources?.VolumeSizeInGB, {
      required: resources !== undefined,
      min: 0,
      integer: true,
    });
    const stopping = v.object('stoppingCondition', input.StoppingCondition, true);
    v.number('stoppingCondition.maxRuntimeInSeconds', stopping?.MaxRuntimeInSeconds, { min: 1, integer: true });
    v.done();
    refuseRuntimeVariables('environment', environment);

    // Checks SageMaker makes after the shape is valid.
    if (!image && !algorithmName)
      throw validationException('Either AlgorithmName or TrainingImage must be specified in AlgorithmSpecification.');
    if (algo?.TrainingInputMode === undefined && channels?.some((c) => (c as Input).InputMode === undefined)) {
      throw validationException('TrainingInputMode must be specified in AlgorithmSpecification or in every channel.');
    }
    const modes = [algo?.TrainingInputMode, ...(channels ?? []).map((c) => (c as Input).InputMode)];
    if (modes.includes('Pipe'))
      throw validationException('Pipe input mode is not supported by the local SageMaker: use File or FastFile.');
    const names = (channels ?? []).map((c) => String((c as Input).ChannelName));
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw validationException(`Channel names must be unique: "${duplicate}" appears more than once.`);
    for (const c of channels ?? []) {
      const uri = String(
        ((c as Input).DataSource as Input).S3DataSource
          ? (((c as Input).DataSource as Input).S3DataSource as Input).S3Uri
          : '',
      );
      if (uri && !uri.startsWith('s3://'))
        throw validationException(`The local SageMaker reads channels from s3:// URIs only, got "${uri}".`);
      const type = (((c as Input).DataSource as Input).S3DataSource as Input | undefined)?.S3DataType;
      if (type && type !== 'S3Prefix')
        throw validationException(`S3DataType ${String(type)} is not supported by the local SageMaker: use S3Prefix.`);
      if (!((c as Input).DataSource as Input).S3DataSource)
        throw validationException('The local SageMaker reads channels from S3DataSource only.');
    }
    if (!String(output!.S3OutputPath).startsWith('s3://'))
      throw validationException(
        `The local SageMaker writes model artifacts to s3:// URIs only, got "${String(output!.S3OutputPath)}".`,
      );
    return input as unknown as TrainingJobSpec;
  }
}

function messageFor(status: SecondaryStatus): string {
  switch (status) {
    case 'Starting':
      return 'Preparing the instances for training';
    case 'Downloading':
      return 'Downloading input data';
    case 'Training':
      return 'Training image download completed. Training in progress.';
    case 'Uploading':
      return 'Uploading generated training model';
    case 'Stopping':
      return 'Stopping the training job';
  }
}
