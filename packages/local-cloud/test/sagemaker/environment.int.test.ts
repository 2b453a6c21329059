import { CreateModelCommand, CreateTrainingJobCommand, ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker';
import { failure, ROLE_ARN, seedChannels, startStack, trainingJobRequest, type Stack } from './sagemaker-stack';

jest.setTimeout(60_000);

/** Environment reaches the child processes: names that change how Node or the loader runs are refused. */
describe('local SageMaker refuses Environment names that change how the container runs', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await seedChannels(stack.s3Client);
  });
  afterAll(() => stack.close());

  it.each([
    'NODE_OPTIONS',
    'NODE_PATH',
    'node_options',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'UV_THREADPOOL_SIZE',
    'TSX_TSCONFIG_PATH',
  ])('CreateTrainingJob with %s → ValidationException naming it, and no job', async (name) => {
    const jobName = `env-${name.toLowerCase().replace(/_/g, '-')}`;
    const error = await failure(
      stack.sm.send(
        new CreateTrainingJobCommand(
          trainingJobRequest(jobName, {}, { Environment: { SAFE_SETTING: '1', [name]: '--require /tmp/evil.js' } }),
        ),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(`'${name}'`);
    expect(error.message).toMatch(/change how Node\.js or the dynamic loader runs/);
    const { TrainingJobSummaries } = await stack.sm.send(new ListTrainingJobsCommand({}));
    expect(TrainingJobSummaries?.map((j) => j.TrainingJobName)).not.toContain(jobName);
  });

  it('CreateModel with NODE_OPTIONS in PrimaryContainer.Environment → ValidationException naming it', async () => {
    const error = await failure(
      stack.sm.send(
        new CreateModelCommand({
          ModelName: 'env-model',
          ExecutionRoleArn: ROLE_ARN,
          PrimaryContainer: {
            Image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/digits-model:latest',
            ModelDataUrl: 's3://artifacts/training/model.tar.gz',
            Environment: { NODE_OPTIONS: '--require /tmp/evil.js' },
          },
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("'NODE_OPTIONS'");
    expect(error.message).toContain('primaryContainer.environment');
  });

  it('accepts ordinary names (the container reads its own settings)', async () => {
    await stack.sm.send(
      new CreateTrainingJobCommand(
        trainingJobRequest('env-ordinary', { epochs: '1' }, { Environment: { LOG_LEVEL: 'debug', MY_NODE: 'x' } }),
      ),
    );
  });
});
