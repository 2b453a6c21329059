import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { failure, seedChannels, startStack, tempDir, trainingJobRequest, waitFor, type Stack } from './sagemaker-stack';

const run = promisify(execFile);
// Each CLI call starts a Python interpreter and botocore: seconds on a busy machine.
jest.setTimeout(120_000);

/** The AWS CLI v1 (botocore) against the local SageMaker: a second, independent implementation of the protocols. */
describe('local SageMaker answers the AWS CLI', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stack = await startStack();
    await seedChannels(stack.s3Client);
    const home = await tempDir('aws-cli-home-');
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    env = {
      ...inherited,
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    await stack.sm.send(
      new CreateTrainingJobCommand(trainingJobRequest('cli-job', { epochs: '2', final_accuracy: '0.9' })),
    );
    await waitFor(
      () => stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'cli-job' })),
      (d) => d.TrainingJobStatus === 'Completed',
    );
  });
  afterAll(() => stack.close());

  const aws = (...args: string[]) =>
    run('aws', [...args, '--endpoint-url', stack.sagemaker.endpoint, '--region', 'us-east-1', '--output', 'json'], {
      env,
    });

  it('aws sagemaker describe-training-job returns the job as JSON', async () => {
    const { stdout } = await aws('sagemaker', 'describe-training-job', '--training-job-name', 'cli-job');
    const job = JSON.parse(stdout);
    expect(job).toMatchObject({
      TrainingJobName: 'cli-job',
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/cli-job',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/training/cli-job/output/model.tar.gz' },
      HyperParameters: { epochs: '2', final_accuracy: '0.9' },
    });
    expect(job.FinalMetricDataList.map((m: { MetricName: string; Value: number }) => [m.MetricName, m.Value])).toEqual([
      ['train_loss', 0.3333],
      ['test_accuracy', 0.9],
    ]);
    // CLI v1 prints timestamps as they travel (cli_timestamp_format "none"): epoch seconds.
    expect(Math.abs(job.CreationTime - Date.now() / 1000)).toBeLessThan(600);
  });

  it('aws sagemaker list-training-jobs pages through the jobs', async () => {
    const { stdout } = await aws('sagemaker', 'list-training-jobs', '--status-equals', 'Completed');
    expect(JSON.parse(stdout).TrainingJobSummaries.map((s: { TrainingJobName: string }) => s.TrainingJobName)).toEqual([
      'cli-job',
    ]);
  });

  it('reports AWS errors the way the CLI prints them', async () => {
    const error = await failure<Error & { code: number; stderr: string }>(
      aws('sagemaker', 'describe-training-job', '--training-job-name', 'missing-job'),
    );
    expect(error.code).not.toBe(0);
    expect(error.stderr).toContain(
      'An error occurred (ValidationException) when calling the DescribeTrainingJob operation: Requested resource not found.',
    );
  });

  it('aws sagemaker-runtime invoke-endpoint reaches an unknown endpoint and gets ValidationError', async () => {
    const error = await failure<Error & { stderr: string }>(
      aws(
        'sagemaker-runtime',
        'invoke-endpoint',
        '--endpoint-name',
        'nowhere',
        '--body',
        '1,2',
        '--content-type',
        'text/csv',
        '/dev/null',
      ),
    );
    expect(error.stderr).toContain(
      'An error occurred (ValidationError) when calling the InvokeEndpoint operation: Endpoint nowhere of account 000000000000 not found.',
    );
  });
});
