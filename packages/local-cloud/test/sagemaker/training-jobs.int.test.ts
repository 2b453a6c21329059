import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  ResourceInUse,
  StopTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { extract } from 'tar';
import type { LogLine, SageMakerEvent } from '../../src/sagemaker';
import {
  failure,
  putText,
  seedChannels,
  startStack,
  tempDir,
  trainingJobRequest,
  waitFor,
  type Stack,
} from './sagemaker-stack';

// Child processes and polling: generous limits so a busy machine slows the tests down instead of failing them.
jest.setTimeout(120_000);

describe('local SageMaker training jobs, through the unchanged @aws-sdk/client-sagemaker', () => {
  let stack: Stack;
  const events: SageMakerEvent[] = [];
  const lines: LogLine[] = [];

  beforeAll(async () => {
    stack = await startStack();
    stack.sagemaker.onEvent((e) => events.push(e));
    stack.sagemaker.onLog((l) => lines.push(l));
    await seedChannels(stack.s3Client);
  });
  afterAll(() => stack.close());

  const describe_ = (name: string) => stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  const untilEnded = (name: string, timeoutMs?: number) =>
    waitFor(
      () => describe_(name),
      (d: DescribeTrainingJobCommandOutput) => ['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus ?? ''),
      timeoutMs,
    );

  it('runs `train` in a SageMaker-shaped folder, captures metrics and uploads model.tar.gz', async () => {
    const created = await stack.sm.send(
      new CreateTrainingJobCommand(
        trainingJobRequest('Job-OK-1', { epochs: '3', final_accuracy: '0.97', tag: 'first' }),
      ),
    );
    expect(created.TrainingJobArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:training-job/job-ok-1');

    const job = await untilEnded('Job-OK-1');

    expect(job.TrainingJobStatus).toBe('Completed');
    expect(job.SecondaryStatus).toBe('Completed');
    expect(job.FailureReason).toBeUndefined();
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe('s3://artifacts/training/Job-OK-1/output/model.tar.gz');
    const metrics = Object.fromEntries((job.FinalMetricDataList ?? []).map((m) => [m.MetricName, m.Value]));
    expect(metrics).toEqual({ train_loss: 0.25, test_accuracy: 0.97 });
    expect(job.FinalMetricDataList?.[0]?.Timestamp).toBeInstanceOf(Date);
    expect(job.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Uploading',
      'Completed',
    ]);
    expect(job.CreationTime).toBeInstanceOf(Date);
    expect(job.TrainingEndTime!.getTime()).toBeGreaterThanOrEqual(job.TrainingStartTime!.getTime());
    expect(job.TrainingTimeInSeconds).toBeGreaterThanOrEqual(1);
    expect(job.HyperParameters).toEqual({ epochs: '3', final_accuracy: '0.97', tag: 'first' });

    // The archive holds model/'s contents at its root, and the trainer saw its channels and hyperparameters.
    const tarball = await stack.s3Client.send(
      new GetObjectCommand({ Bucket: 'artifacts', Key: 'training/Job-OK-1/output/model.tar.gz' }),
    );
    const dir = await tempDir('model-');
    const file = join(dir, 'model.tar.gz');
    await import('node:fs/promises').then(async (fs) => fs.writeFile(file, await tarball.Body!.transformToByteArray()));
    await extract({ file, cwd: dir });
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(model.tag).toBe('first');
    expect(model.channels).toEqual({
      train: { 'part-00000.csv': '5,0,0\n0,1,1\n', 'nested/part-00001.csv': '4,1,0\n' },
      test: { 'part-00000.csv': '7,0,1\n' },
    });
    expect([...(await readFile(join(dir, 'weights', 'w.bin')))]).toEqual([1, 2, 3, 4]);

    // The log: live lines and a file.
    const jobLines = lines.filter((l) => l.source === 'training-job' && l.name === 'Job-OK-1').map((l) => l.line);
    expect(jobLines).toEqual(expect.arrayContaining(['epoch=3 train_loss=0.2500 test_accuracy=0.9700']));
    expect(await readFile(stack.sagemaker.trainingJobLogFile('Job-OK-1'), 'utf8')).toContain(
      'epoch=2 train_loss=0.3333 test_accuracy=0.6467',
    );
  });

  it('downloads extra channels too: one object (a model.tar.gz, as a corrections job gets) and a prefix of another bucket', async () => {
    await putText(stack.s3Client, 'artifacts', 'training/live-1/output/model.tar.gz', 'tarball');
    const request = trainingJobRequest('Extra-Channels-1', { final_accuracy: '0.9' });
    const source = (S3Uri: string) => ({ S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri } });
    request.InputDataConfig.push(
      { ChannelName: 'init', DataSource: source('s3://artifacts/training/live-1/output/model.tar.gz') },
      { ChannelName: 'replay', DataSource: source('s3://data/mnist/v1/train/') },
    );
    await stack.sm.send(new CreateTrainingJobCommand(request));
    expect((await untilEnded('Extra-Channels-1')).TrainingJobStatus).toBe('Completed');

    const tarball = await stack.s3Client.send(
      new GetObjectCommand({ Bucket: 'artifacts', Key: 'training/Extra-Channels-1/output/model.tar.gz' }),
    );
    const dir = await tempDir('model-');
    const file = join(dir, 'model.tar.gz');
    await import('node:fs/promises').then(async (fs) => fs.writeFile(file, await tarball.Body!.transformToByteArray()));
    await extract({ file, cwd: dir });
    const { channels } = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(channels.init).toEqual({ 'model.tar.gz': 'tarball' });
    expect(channels.replay).toEqual(channels.train);
  });

  it('emits EventBridge-shaped state changes, InProgress first and Completed last', async () => {
    const mine = events.filter(
      (e) => e.resources[0] === 'arn:aws:sagemaker:us-east-1:000000000000:training-job/job-ok-1',
    );
    const statuses = mine.map((e) => e.detail.TrainingJobStatus);
    expect(statuses[0]).toBe('InProgress');
    expect(statuses[statuses.length - 1]).toBe('Completed');
    expect(new Set(statuses)).toEqual(new Set(['InProgress', 'Completed']));
    const last = mine[mine.length - 1]!;
    expect(last).toMatchObject({
      version: '0',
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      account: '000000000000',
      region: 'us-east-1',
      detail: {
        TrainingJobName: 'Job-OK-1',
        ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/training/Job-OK-1/output/model.tar.gz' },
        Tags: { dataset: 'mnist' },
      },
    });
    expect(last.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof (last.detail.CreationTime as number)).toBe('number');
  });

  it('reports a failing trainer as Failed with the FailureReason it wrote to output/failure', async () => {
    await stack.sm.send(
      new CreateTrainingJobCommand(trainingJobRequest('job-fails', { fail: 'not enough training rows: 3 < 100' })),
    );
    const job = await untilEnded('job-fails');
    expect(job.TrainingJobStatus).toBe('Failed');
    expect(job.FailureReason).toBe('AlgorithmError: not enough training rows: 3 < 100');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBeUndefined();
    expect(job.SecondaryStatusTransitions?.map((t) => t.Status).slice(-1)).toEqual(['Failed']);
    const failed = events.filter((e) => e.detail.TrainingJobName === 'job-fails').pop();
    expect(failed?.detail).toMatchObject({
      TrainingJobStatus: 'Failed',
      FailureReason: 'AlgorithmError: not enough training rows: 3 < 100',
    });
  });

  it('names the exit code when the trainer fails without output/failure', async () => {
    await stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('job-exit-3', { exit_code: '3' })));
    expect((await untilEnded('job-exit-3')).FailureReason).toBe('AlgorithmError: exit code 3');
  });

  it('refuses a duplicate name with ResourceInUse', async () => {
    const error = await failure(stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('JOB-OK-1'))));
    expect(error).toBeInstanceOf(ResourceInUse);
    expect((error as Error).message).toBe(
      'Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:000000000000:training-job/job-ok-1)',
    );
  });

  it('refuses malformed requests with ValidationException naming every violation', async () => {
    const error = await failure(
      stack.sm.send(new CreateTrainingJobCommand({ ...trainingJobRequest('bad_name'), RoleArn: undefined } as never)),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "2 validation errors detected: Value 'bad_name' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}; Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it('refuses a channel with no objects under its prefix, as SageMaker does', async () => {
    const request = trainingJobRequest('job-no-data');
    request.InputDataConfig[0]!.DataSource.S3DataSource.S3Uri = 's3://data/mnist/v9/train/';
    const error = await failure(stack.sm.send(new CreateTrainingJobCommand(request)));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/^No S3 objects found under S3 URL "s3:\/\/data\/mnist\/v9\/train\/"/);
    await expect(describe_('job-no-data')).rejects.toThrow('Requested resource not found.');
  });

  it('answers an unknown job like SageMaker: ValidationException "Requested resource not found."', async () => {
    const error = await failure(describe_('no-such-job'));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Requested resource not found.');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('StopTrainingJob stops `train` (SIGTERM) and uploads what it saved: Stopped', async () => {
    await stack.sm.send(
      new CreateTrainingJobCommand(trainingJobRequest('job-stop', { epochs: '1000', epoch_ms: '50' })),
    );
    // Stop once the trainer is running its epochs (its SIGTERM handler is installed by then).
    await waitFor(async () => lines.some((l) => l.name === 'job-stop' && l.line.startsWith('epoch=')), Boolean);
    await stack.sm.send(new StopTrainingJobCommand({ TrainingJobName: 'job-stop' }));
    const job = await untilEnded('job-stop');
    expect(job.TrainingJobStatus).toBe('Stopped');
    expect(job.SecondaryStatus).toBe('Stopped');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe('s3://artifacts/training/job-stop/output/model.tar.gz');
    const again = await failure(stack.sm.send(new StopTrainingJobCommand({ TrainingJobName: 'job-stop' })));
    expect(again.message).toBe('The request was rejected because the training job is in status Stopped.');
  });

  it('enforces StoppingCondition.MaxRuntimeInSeconds: Stopped / MaxRuntimeExceeded', async () => {
    await stack.sm.send(
      new CreateTrainingJobCommand(
        trainingJobRequest(
          'job-too-long',
          { epochs: '1000', epoch_ms: '50' },
          { StoppingCondition: { MaxRuntimeInSeconds: 1 } },
        ),
      ),
    );
    const job = await untilEnded('job-too-long');
    expect(job.TrainingJobStatus).toBe('Stopped');
    expect(job.SecondaryStatus).toBe('MaxRuntimeExceeded');
  });

  it('ListTrainingJobs filters, sorts and pages', async () => {
    // Names sort by code point, as SageMaker's (Java) string order.
    const all = await stack.sm.send(
      new ListTrainingJobsCommand({ NameContains: 'job-', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 100 }),
    );
    expect(all.TrainingJobSummaries?.map((s) => s.TrainingJobName)).toEqual([
      'Job-OK-1',
      'job-exit-3',
      'job-fails',
      'job-stop',
      'job-too-long',
    ]);
    const failed = await stack.sm.send(new ListTrainingJobsCommand({ StatusEquals: 'Failed' }));
    expect(failed.TrainingJobSummaries?.map((s) => s.TrainingJobName).sort()).toEqual(['job-exit-3', 'job-fails']);
    const first = await stack.sm.send(
      new ListTrainingJobsCommand({ MaxResults: 2, SortBy: 'CreationTime', SortOrder: 'Descending' }),
    );
    expect(first.TrainingJobSummaries).toHaveLength(2);
    expect(first.TrainingJobSummaries?.[0]?.TrainingJobName).toBe('job-too-long');
    const rest = await stack.sm.send(
      new ListTrainingJobsCommand({
        MaxResults: 100,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        NextToken: first.NextToken,
      }),
    );
    // Six jobs so far (the five above and the extra-channels one): two on the first page, four after.
    expect(rest.TrainingJobSummaries).toHaveLength(4);
    expect(rest.NextToken).toBeUndefined();
  });

  it('refuses the second of two concurrent creates of one name (a redelivered event) with ResourceInUse', async () => {
    const create = () =>
      stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('created-twice', { epochs: '1' })));
    const outcomes = await Promise.allSettled([create(), create()]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ResourceInUse,
    );
    expect((await untilEnded('created-twice')).TrainingJobStatus).toBe('Completed');
  });
});
