import { UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, modelRecordKey, type LivePointer, type ModelRecord } from '@digits/common';
import { deployModel, type DeployDeps } from '../src/deploy-model';
import { syncLiveWithEndpoint } from '../src/endpoint-truth';
import { RollbackError } from '../src/errors';
import { onRollback } from '../src/invocations';
import { parseRollbackInput, rollback, type RollbackDeps } from '../src/rollback';
import {
  DEPLOY_SETTINGS,
  ARTIFACTS,
  ENDPOINT,
  PREFIX,
  completedJob,
  fakeS3,
  fakeSageMaker,
  memoryLogger,
  settle,
  type FakeS3,
  type FakeSageMaker,
  reportsOf,
} from './aws-fakes';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';

const deploySettings = DEPLOY_SETTINGS;

const A = `${PREFIX}--mnist-aaaa-1111111111`;
const B = `${PREFIX}--mnist-bbbb-2222222222`;
const C = `${PREFIX}--mnist-cccc-3333333333`;
const WEAK = `${PREFIX}--mnist-dddd-4444444444`;

let s3: FakeS3;
let sm: FakeSageMaker;
let deploy: DeployDeps;
let deps: RollbackDeps;

/** Deploy A, B, C in turn (each InService before the next), and train a weak model the gate refused. */
beforeEach(async () => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  const logger = memoryLogger();
  deploy = {
    s3: s3.client,
    sagemaker: sm.client,
    settings: deploySettings,
    logger,
    busyWait: { maxWaitMs: 0, pollMs: 0 },
    readReport: reportsOf(sm),
  };
  deps = {
    s3: s3.client,
    sagemaker: sm.client,
    settings: { artifactsBucket: ARTIFACTS, endpointName: ENDPOINT, gate: DEPLOY_SETTINGS.gate },
    logger,
  };
  for (const [job, accuracy] of [
    [A, 0.99],
    [B, 0.991],
    [C, 0.992],
    [WEAK, 0.95],
  ] as const) {
    sm.jobs.set(job, completedJob(job, accuracy));
    await deployModel(stateChange({ TrainingJobName: job }).detail, deploy);
    await inService();
  }
  sm.mock.resetHistory();
});

/** SageMaker finishes the endpoint change and its state-change event is handled (confirmDeployment). */
async function inService(): Promise<void> {
  settle(sm);
  await syncLiveWithEndpoint(deps);
}

const live = () => s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY)!;

describe('rollback', () => {
  it('{} points the endpoint back at the previous model and drops the current one from the history', async () => {
    const out = await onRollback({}, deps);

    expect(out).toMatchObject({ from: C, to: B, endpointChange: 'updated' });
    expect(sm.mock.commandCalls(UpdateEndpointCommand)[0]!.args[0].input).toEqual({
      EndpointName: ENDPOINT,
      EndpointConfigName: B,
    });
    expect(live().trainingJobName).toBe(C); // until the endpoint serves B
    await inService();
    expect(live()).toMatchObject({
      trainingJobName: B,
      endpointConfigName: B,
      testAccuracy: 0.991,
      history: [{ trainingJobName: A }],
    });
  });

  it('rolling back twice goes two models back', async () => {
    await rollback({}, deps);
    await inService();
    await rollback({}, deps);
    await inService();

    expect(sm.endpoints.get(ENDPOINT)?.EndpointConfigName).toBe(A);
    expect(live()).toMatchObject({ trainingJobName: A, history: [] });
    await expect(rollback({}, deps)).rejects.toThrow(
      new RollbackError(`no earlier model to roll back to: ${A} is the only one that has been live`),
    );
  });

  it('{trainingJobName} makes that gate-passing model live and keeps the current one in the history', async () => {
    const out = await rollback({ trainingJobName: A }, deps);

    expect(out).toMatchObject({ from: C, to: A });
    expect(sm.endpoints.get(ENDPOINT)?.EndpointConfigName).toBe(A);
    await inService();
    expect(live().history.map((h) => h.trainingJobName)).toEqual([B, C]);
  });

  it('refuses a model the gate refused, an unknown job, and the model already live — without touching the endpoint', async () => {
    await expect(rollback({ trainingJobName: WEAK }, deps)).rejects.toThrow(
      /did not pass the quality gate \(reference r-0123456789abcdef: reference accuracy 0.95 is below the minimum 0.98;/,
    );
    await expect(rollback({ trainingJobName: `${PREFIX}--nope` }, deps)).rejects.toThrow(
      `no model record for training job ${PREFIX}--nope`,
    );
    await expect(rollback({ trainingJobName: C }, deps)).rejects.toThrow(`${C} is already live`);
    expect(sm.mock.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(live().trainingJobName).toBe(C);
  });

  it('passes the target through the same gate: a model recorded without reference scores is refused', async () => {
    const record = s3.json<ModelRecord>(ARTIFACTS, modelRecordKey(B))!;
    delete record.reference; // a model recorded before the stage had a reference set
    s3.put(ARTIFACTS, modelRecordKey(B), record);

    await expect(rollback({}, deps)).rejects.toThrow(
      new RegExp(`${B} does not pass the quality gate now \\(the candidate has no reference scores`),
    );
    expect(sm.mock.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
    expect(live().trainingJobName).toBe(C);
  });

  it('refuses while the endpoint is still updating instead of queueing a second update', async () => {
    sm.endpoints.get(ENDPOINT)!.EndpointStatus = 'Updating';

    await expect(rollback({}, deps)).rejects.toThrow(/is Updating/);
    expect(live().trainingJobName).toBe(C);
  });

  it('says so when nothing was ever deployed', async () => {
    const empty = fakeS3();
    await expect(rollback({}, { ...deps, s3: empty.client })).rejects.toThrow(
      'no model is live yet: nothing to roll back',
    );
  });

  it('validates its input', () => {
    expect(parseRollbackInput(undefined)).toEqual({});
    expect(parseRollbackInput({ trainingJobName: A })).toEqual({ trainingJobName: A });
    expect(() => parseRollbackInput({ job: A })).toThrow('unknown field(s): job');
    expect(() => parseRollbackInput({ trainingJobName: 'a b' })).toThrow(/must be a SageMaker training job name/);
  });
});
