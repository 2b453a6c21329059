import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, modelRecordKey, type LivePointer, type ModelRecord } from '@digits/common';
import { deployModel, type DeployDeps } from '../src/deploy-model';
import { syncLiveWithEndpoint } from '../src/endpoint-truth';
import { EndpointBusyError } from '../src/errors';
import { onTrainingStateChange } from '../src/invocations';
import {
  DEPLOY_SETTINGS,
  ARTIFACTS,
  ENDPOINT,
  IMAGE,
  PREFIX,
  ROLE_ARN,
  completedJob,
  fakeS3,
  fakeSageMaker,
  memoryLogger,
  settle,
  type FakeS3,
  type FakeSageMaker,
  REFERENCE_VERSION,
  evenReferenceScores,
  reportsOf,
} from './aws-fakes';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';

const settings = DEPLOY_SETTINGS;

let s3: FakeS3;
let sm: FakeSageMaker;
let logger: ReturnType<typeof memoryLogger>;
let deps: DeployDeps;
let clock: number;

beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  logger = memoryLogger();
  clock = Date.parse('2025-02-01T00:00:00Z');
  deps = {
    s3: s3.client,
    sagemaker: sm.client,
    settings,
    logger,
    now: () => new Date((clock += 1000)),
    busyWait: { maxWaitMs: 0, pollMs: 0 },
    readReport: reportsOf(sm),
  };
});

/** SageMaker finishes the endpoint change and its state-change event is handled (confirmDeployment). */
async function inService(): Promise<void> {
  settle(sm);
  await syncLiveWithEndpoint(deps);
}

const live = () => s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY);
const record = (job: string) => s3.json<ModelRecord>(ARTIFACTS, modelRecordKey(job));
const calls = (command: Parameters<FakeSageMaker['mock']['commandCalls']>[0]) => sm.mock.commandCalls(command).length;

/** A job finished with the given accuracy, and its state-change event delivered. */
async function finish(name: string, accuracy: number | undefined, deploy = deps) {
  sm.jobs.set(name, completedJob(name, accuracy));
  return deployModel(stateChange({ TrainingJobName: name }).detail, deploy);
}

describe('deployModel', () => {
  it('first deploy: gate passes, creates model, serverless endpoint config and the endpoint; live.json points at it once InService', async () => {
    const job = `${PREFIX}--mnist-0123456789ab-aaaaaaaaaa`;

    const out = await finish(job, 0.9912);
    expect(live()).toBeUndefined();
    await inService();

    expect(out).toMatchObject({ action: 'deploy-requested', endpointChange: 'created' });
    expect(sm.models.get(job)).toMatchObject({
      ExecutionRoleArn: ROLE_ARN,
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: `s3://${ARTIFACTS}/training/${job}/output/model.tar.gz` },
    });
    expect(sm.configs.get(job)?.ProductionVariants).toEqual([
      { VariantName: 'AllTraffic', ModelName: job, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
    ]);
    expect(sm.endpoints.get(ENDPOINT)).toMatchObject({ EndpointConfigName: job });
    expect(live()).toMatchObject({
      endpointName: ENDPOINT,
      trainingJobName: job,
      modelName: job,
      endpointConfigName: job,
      testAccuracy: 0.9912,
      history: [],
    });
    expect(record(job)).toMatchObject({
      trainingJobName: job,
      status: 'Completed',
      dataset: 'mnist',
      datasetVersion: 'v-0123456789abcdef',
      metrics: { test_accuracy: 0.9912 },
      image: IMAGE,
      modelArtifact: `s3://${ARTIFACTS}/training/${job}/output/model.tar.gz`,
      gate: { deploy: true },
      modelName: job,
      endpointConfigName: job,
    });
  });

  it('later deploy: updates the existing endpoint to a new config and keeps the previous model in the history', async () => {
    const first = `${PREFIX}--mnist-aaaa-1111111111`;
    const second = `${PREFIX}--mnist-bbbb-2222222222`;
    await finish(first, 0.99);
    await inService();

    const out = await finish(second, 0.987);
    await inService();

    expect(out).toMatchObject({ action: 'deploy-requested', endpointChange: 'updated' });
    expect(calls(CreateEndpointCommand)).toBe(1);
    expect(sm.mock.commandCalls(UpdateEndpointCommand)[0]!.args[0].input).toEqual({
      EndpointName: ENDPOINT,
      EndpointConfigName: second,
    });
    expect(sm.configs.has(first)).toBe(true); // the old config stays for rollback
    expect(live()).toMatchObject({
      trainingJobName: second,
      history: [{ trainingJobName: first, endpointConfigName: first, testAccuracy: 0.99 }],
    });
  });

  it('instance mode: the endpoint config names instance type and count, and the model is network-isolated', async () => {
    const job = `${PREFIX}--mnist-cccc-3333333333`;
    await finish(job, 0.99, {
      ...deps,
      settings: { ...settings, endpoint: { mode: 'instance', instanceType: 'ml.m5.large', instanceCount: 2 } },
    });

    expect(sm.configs.get(job)?.ProductionVariants).toEqual([
      {
        VariantName: 'AllTraffic',
        ModelName: job,
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 2,
        InitialVariantWeight: 1,
      },
    ]);
    expect(sm.models.get(job)?.EnableNetworkIsolation).toBe(true);
  });

  it('gate refusal below the minimum: nothing is created, the live endpoint is untouched, the reason is logged and recorded', async () => {
    const good = `${PREFIX}--mnist-aaaa-1111111111`;
    const weak = `${PREFIX}--mnist-bbbb-2222222222`;
    await finish(good, 0.99);
    await inService();
    const before = live();

    const out = await finish(weak, 0.9712);

    const reason = expect.stringMatching(
      /^reference r-0123456789abcdef: reference accuracy 0.9712 is below the minimum 0.98; .*uploaded test split: test_accuracy 0.9712 \(not judged\)$/,
    );
    expect(out).toMatchObject({ action: 'not-deployed', reason });
    expect(sm.models.has(weak)).toBe(false);
    expect(sm.configs.has(weak)).toBe(false);
    expect(calls(UpdateEndpointCommand)).toBe(0);
    expect(sm.endpoints.get(ENDPOINT)?.EndpointConfigName).toBe(good);
    expect(live()).toEqual(before);
    expect(record(weak)).toMatchObject({
      status: 'Completed',
      metrics: { test_accuracy: 0.9712 },
      gate: {
        deploy: false,
        reason,
        referenceVersion: REFERENCE_VERSION,
        failedClasses: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      },
      reference: { version: REFERENCE_VERSION, accuracy: 0.9712 },
    });
    expect(record(weak)?.modelName).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ trainingJobName: weak, reason }) }),
    );
  });

  it('gate refusal for regressing more than the margin against the live model; within the margin deploys', async () => {
    await finish(`${PREFIX}--mnist-aaaa-1111111111`, 0.995);
    await inService();

    const worse = await finish(`${PREFIX}--mnist-bbbb-2222222222`, 0.9899);
    const close = await finish(`${PREFIX}--mnist-cccc-3333333333`, 0.99);

    expect(worse).toMatchObject({
      action: 'not-deployed',
      reason: expect.stringContaining("worse than the live model's 0.995"),
    });
    expect(close).toMatchObject({ action: 'deploy-requested', endpointChange: 'updated' });
  });

  it('a model trained on corrections: its feedback scores are judged and recorded; poisoning is refused, live unchanged', async () => {
    const base = `${PREFIX}--mnist-aaaa-1111111111`;
    await finish(base, 0.99);
    await inService();
    const feedback = (heldOutAccuracy: number) => ({
      initModel: base,
      corrections: 80,
      heldOut: 20,
      heldOutAccuracy,
      initHeldOutAccuracy: 0.1,
      replayRows: 3000,
    });
    const withFeedback = (heldOut: number) => {
      const reports = reportsOf(sm);
      return { ...deps, readReport: async (uri: string) => ({ ...(await reports(uri)), feedback: feedback(heldOut) }) };
    };

    const poisoned = `${PREFIX}--corrections-bbbb-2222222222`;
    sm.jobs.set(poisoned, completedJob(poisoned, 0.99));
    const refused = await deployModel(stateChange({ TrainingJobName: poisoned }).detail, withFeedback(0.1));

    expect(refused).toMatchObject({ action: 'not-deployed', reason: expect.stringMatching(/a gain of 0 point/) });
    expect(record(poisoned)).toMatchObject({ gate: { deploy: false }, feedback: feedback(0.1) });
    expect(live()?.trainingJobName).toBe(base);

    const good = `${PREFIX}--corrections-cccc-3333333333`;
    sm.jobs.set(good, completedJob(good, 0.99));
    const deployed = await deployModel(stateChange({ TrainingJobName: good }).detail, withFeedback(0.8));
    expect(deployed).toMatchObject({ action: 'deploy-requested' });
    expect(record(good)).toMatchObject({ gate: { deploy: true }, feedback: feedback(0.8) });
  });

  it('a model without reference scores (no readable report) is refused', async () => {
    const out = await finish(`${PREFIX}--mnist-aaaa-1111111111`, undefined);

    expect(out).toMatchObject({
      action: 'not-deployed',
      reason: expect.stringMatching(/^the candidate has no reference scores/),
    });
    expect(calls(CreateModelCommand)).toBe(0);
  });

  it('takes the final metric from the event when DescribeTrainingJob lacks it', async () => {
    const job = `${PREFIX}--mnist-aaaa-1111111111`;
    sm.jobs.set(job, completedJob(job, undefined));
    const reference = evenReferenceScores(0.9931);
    const readReport = async () => ({
      evaluation: {
        testRows: 1,
        perClassAccuracy: reference.perClassAccuracy,
        confusionMatrix: reference.confusionMatrix,
      },
      reference,
    });

    const out = await deployModel(
      stateChange({ TrainingJobName: job, FinalMetricDataList: [{ MetricName: 'test_accuracy', Value: 0.9931 }] })
        .detail,
      { ...deps, readReport },
    );

    expect(out).toMatchObject({ action: 'deploy-requested' });
    await inService();
    expect(live()?.testAccuracy).toBe(0.9931);
  });

  it.each(['Failed', 'Stopped'] as const)(
    '%s job: nothing is deployed, the failure reason is recorded',
    async (status) => {
      const good = `${PREFIX}--mnist-aaaa-1111111111`;
      await finish(good, 0.99);
      await inService();
      const job = `${PREFIX}--mnist-bbbb-2222222222`;
      sm.jobs.set(
        job,
        completedJob(job, undefined, {
          TrainingJobStatus: status,
          FailureReason: 'AlgorithmError: train_loss is NaN',
          ModelArtifacts: undefined,
        }),
      );

      const out = await deployModel(stateChange({ TrainingJobName: job, TrainingJobStatus: status }).detail, deps);

      expect(out).toMatchObject({
        action: 'not-deployed',
        reason: `training job ${status}: AlgorithmError: train_loss is NaN`,
      });
      expect(record(job)).toMatchObject({
        status,
        failureReason: 'AlgorithmError: train_loss is NaN',
        gate: { deploy: false },
      });
      expect(calls(CreateModelCommand)).toBe(1);
      expect(calls(UpdateEndpointCommand)).toBe(0);
      expect(live()?.trainingJobName).toBe(good);
    },
  );

  it('the same Completed event delivered twice deploys once', async () => {
    const job = `${PREFIX}--mnist-aaaa-1111111111`;
    await finish(job, 0.99);
    await inService();
    const before = live();

    const again = await deployModel(stateChange({ TrainingJobName: job }).detail, deps);

    expect(again).toEqual({ action: 'already-deployed', trainingJobName: job });
    expect(calls(CreateModelCommand)).toBe(1);
    expect(calls(CreateEndpointConfigCommand)).toBe(1);
    expect(calls(CreateEndpointCommand)).toBe(1);
    expect(live()).toEqual(before);
  });

  it('a redelivered event for an older model does not replace the newer live one', async () => {
    const older = `${PREFIX}--mnist-aaaa-1111111111`;
    const newer = `${PREFIX}--mnist-bbbb-2222222222`;
    await finish(older, 0.99);
    await inService();
    await finish(newer, 0.992);
    await inService();

    const again = await deployModel(stateChange({ TrainingJobName: older }).detail, deps);

    expect(again.action).toBe('already-deployed');
    expect(sm.endpoints.get(ENDPOINT)?.EndpointConfigName).toBe(newer);
  });

  it('resumes a deploy whose model and config were created before a crash, without creating them again', async () => {
    const job = `${PREFIX}--mnist-aaaa-1111111111`;
    sm.models.set(job, { ModelName: job });
    sm.configs.set(job, { EndpointConfigName: job, ProductionVariants: [] });

    const out = await finish(job, 0.99);

    expect(out).toMatchObject({ action: 'deploy-requested', endpointChange: 'created' });
    expect(sm.models.get(job)).toEqual({ ModelName: job });
    await inService();
    expect(live()?.trainingJobName).toBe(job);
  });

  it('waits for an endpoint that is still updating, then switches it', async () => {
    await finish(`${PREFIX}--mnist-aaaa-1111111111`, 0.99); // endpoint now 'Creating'
    const sleeps: number[] = [];
    const wait = { maxWaitMs: 60_000, pollMs: 20_000, sleep: async (ms: number) => void (sleeps.push(ms), settle(sm)) };

    const out = await finish(`${PREFIX}--mnist-bbbb-2222222222`, 0.991, { ...deps, busyWait: wait });

    expect(out).toMatchObject({ action: 'deploy-requested', endpointChange: 'updated' });
    expect(sleeps).toEqual([20_000]);
  });

  it('gives up on an endpoint that stays busy, leaving live.json alone so a retry can finish', async () => {
    const first = `${PREFIX}--mnist-aaaa-1111111111`;
    await finish(first, 0.99); // endpoint stays 'Creating'
    const second = `${PREFIX}--mnist-bbbb-2222222222`;

    await expect(
      finish(second, 0.991, { ...deps, busyWait: { maxWaitMs: 40_000, pollMs: 20_000, sleep: async () => {} } }),
    ).rejects.toThrow(EndpointBusyError);
    // first: one Describe to deploy, one to see if it serves yet; second: three polls, then it gives up.
    expect(calls(DescribeEndpointCommand)).toBe(2 + 3);
    expect(live()).toBeUndefined(); // nothing is InService yet

    await inService();
    await expect(deployModel(stateChange({ TrainingJobName: second }).detail, deps)).resolves.toMatchObject({
      action: 'deploy-requested',
      endpointChange: 'updated',
    });
  });

  it("ignores other stages' jobs and non-final states", async () => {
    await expect(
      deployModel(stateChange({ TrainingJobName: 'digits-prod--mnist-aaaa-1111111111' }).detail, deps),
    ).resolves.toMatchObject({ action: 'ignored' });
    await expect(
      deployModel(stateChange({ TrainingJobName: `${PREFIX}--x`, TrainingJobStatus: 'InProgress' }).detail, deps),
    ).resolves.toMatchObject({ action: 'ignored' });
    expect(sm.mock.calls()).toHaveLength(0);
  });

  // Issue 10 item 4: stage `test`'s deployModel must not deploy stage `test-2`'s model.
  it('ignores a job of a stage whose name extends this one', async () => {
    const other = `${PREFIX}-2--mnist-0123456789ab-aaaaaaaaaa-a1`;
    sm.jobs.set(other, completedJob(other, 0.995));
    await expect(deployModel(stateChange({ TrainingJobName: other }).detail, deps)).resolves.toMatchObject({
      action: 'ignored',
    });
    expect(sm.mock.calls()).toHaveLength(0);
  });

  it('onTrainingStateChange rejects an event that is not a SageMaker training state change', async () => {
    const event = { ...stateChange({ TrainingJobName: `${PREFIX}--x` }), 'detail-type': 'Object Created' } as never;
    await expect(onTrainingStateChange(event, deps)).rejects.toThrow(
      /expects an EventBridge "SageMaker Training Job State Change" event/,
    );
  });
});
