import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { ROLE_ARN, seedChannels, startStack, trainingJobRequest, waitFor, type Stack } from './sagemaker-stack';

// Child processes and polling: generous limits so a busy machine slows the tests down instead of failing them.
jest.setTimeout(120_000);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local SageMaker restarted on the same work dir (pnpm start twice)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await seedChannels(stack.s3Client);
  });
  afterAll(() => stack.close());

  const invoke = async () =>
    JSON.parse(
      Buffer.from(
        (
          await stack.runtime.send(
            new InvokeEndpointCommand({ EndpointName: 'live', Body: Buffer.from('7'), ContentType: 'text/csv' }),
          )
        ).Body,
      ).toString('utf8'),
    ) as {
      tag: string;
      pid: number;
    };

  it('keeps completed jobs, models and configs, and brings InService endpoints back before it resolves', async () => {
    // Prepare: a trained model deployed on an endpoint, and a job still running at shutdown.
    await stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('trained', { tag: 'from-training' })));
    const trained = await waitFor(
      () => stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'trained' })),
      (d) => d.TrainingJobStatus === 'Completed',
    );
    await stack.sm.send(
      new CreateModelCommand({
        ModelName: 'm1',
        ExecutionRoleArn: ROLE_ARN,
        PrimaryContainer: { Image: 'img', ModelDataUrl: trained.ModelArtifacts!.S3ModelArtifacts },
      }),
    );
    await stack.sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'c1',
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: 'm1', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
        ],
      }),
    );
    await stack.sm.send(new CreateEndpointCommand({ EndpointName: 'live', EndpointConfigName: 'c1' }));
    await waitFor(
      () => stack.sm.send(new DescribeEndpointCommand({ EndpointName: 'live' })),
      (d) => d.EndpointStatus === 'InService',
    );
    const before = await invoke();
    expect(before.tag).toBe('from-training');
    await stack.sm.send(
      new CreateTrainingJobCommand(trainingJobRequest('running', { epochs: '100000', epoch_ms: '50' })),
    );
    await waitFor(
      () => stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'running' })),
      (d) => d.SecondaryStatus === 'Training',
    );

    // Act
    await stack.restart();

    // Assess: close stopped the old serve; the restarted one answers at once, from the same model.
    expect(alive(before.pid)).toBe(false);
    const endpoint = await stack.sm.send(new DescribeEndpointCommand({ EndpointName: 'live' }));
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'c1' });
    const after = await invoke();
    expect(after.tag).toBe('from-training');
    expect(after.pid).not.toBe(before.pid);

    const job = await stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'trained' }));
    expect(job).toMatchObject({
      TrainingJobStatus: 'Completed',
      TrainingJobArn: trained.TrainingJobArn,
      ModelArtifacts: trained.ModelArtifacts,
    });
    expect(job.FinalMetricDataList).toEqual(trained.FinalMetricDataList);

    const interrupted = await stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'running' }));
    expect(interrupted.TrainingJobStatus).toBe('Failed');
    expect(interrupted.FailureReason).toMatch(
      /^InternalServerError: the local SageMaker was stopped while this training job was running/,
    );

    // close() leaves no serve process behind.
    await stack.sagemaker.close();
    expect(alive(after.pid)).toBe(false);
  });
});
