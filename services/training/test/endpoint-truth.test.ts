/**
 * Issue 10 item 5: live.json names what the endpoint serves. It moves only when the endpoint is
 * InService with a config; a rolled-back update leaves it on the old model and says why; and
 * whatever order concurrent deploys, rollbacks and their state-change events come in, it ends
 * on the endpoint's current config.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { REGISTRY_LIVE_KEY, type LivePointer } from '@digits/common';
import { confirmDeployment } from '../src/confirm-deployment';
import { deployModel, type DeployDeps } from '../src/deploy-model';
import { deploymentKey, type DeploymentRequest } from '../src/deployments';
import { syncLiveWithEndpoint, type EndpointTruthDeps } from '../src/endpoint-truth';
import { EndpointBusyError } from '../src/errors';
import { rollback } from '../src/rollback';
import {
  ARTIFACTS,
  DEPLOY_SETTINGS,
  ENDPOINT,
  PREFIX,
  completedJob,
  endpointStateChange,
  fakeS3,
  fakeSageMaker,
  memoryLogger,
  rollBackUpdate,
  settle,
  type FakeS3,
  type FakeSageMaker,
  reportsOf,
} from './aws-fakes';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';

const A = `${PREFIX}--mnist-aaaa-1111111111-a1`;
const B = `${PREFIX}--mnist-bbbb-2222222222-a1`;
const C = `${PREFIX}--mnist-cccc-3333333333-a1`;

let s3: FakeS3;
let sm: FakeSageMaker;
let deploy: DeployDeps;
let truth: EndpointTruthDeps;

beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  const logger = memoryLogger();
  let clock = Date.parse('2025-02-01T00:00:00Z');
  const now = () => new Date((clock += 1000));
  deploy = {
    s3: s3.client,
    sagemaker: sm.client,
    settings: DEPLOY_SETTINGS,
    logger,
    now,
    busyWait: { maxWaitMs: 0, pollMs: 0 },
    readReport: reportsOf(sm),
  };
  truth = {
    s3: s3.client,
    sagemaker: sm.client,
    settings: { artifactsBucket: ARTIFACTS, endpointName: ENDPOINT },
    logger,
    now,
  };
});

const live = () => s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY);
const request = (job: string) => s3.json<DeploymentRequest>(ARTIFACTS, deploymentKey(job));
const serving = () => sm.endpoints.get(ENDPOINT)?.EndpointConfigName;
const confirm = () => confirmDeployment(endpointStateChange(sm, ENDPOINT), truth);

function trained(job: string, accuracy: number): void {
  sm.jobs.set(job, completedJob(job, accuracy));
}
const finish = (job: string, deps: DeployDeps = deploy) =>
  deployModel(stateChange({ TrainingJobName: job }).detail, deps);

/** A live, InService and confirmed. */
async function aLive(): Promise<void> {
  trained(A, 0.99);
  await finish(A);
  settle(sm);
  await confirm();
}

describe('live.json follows the endpoint, not the request', () => {
  it('does not move when SageMaker accepts the change, and moves when the endpoint is InService with it', async () => {
    await aLive();
    trained(B, 0.991);

    const out = await finish(B);

    expect(out).toMatchObject({
      action: 'deploy-requested',
      endpointChange: 'updated',
      sync: { action: 'endpoint-not-in-service' },
    });
    expect(live()?.trainingJobName).toBe(A);
    expect(request(B)).toMatchObject({ state: 'requested', kind: 'deploy', basedOn: A });

    await expect(confirm()).resolves.toMatchObject({ action: 'endpoint-not-in-service', status: 'Updating' });
    expect(live()?.trainingJobName).toBe(A);

    settle(sm);
    await expect(confirm()).resolves.toMatchObject({ action: 'moved', from: A, to: B });
    expect(live()).toMatchObject({ trainingJobName: B, endpointConfigName: B, history: [{ trainingJobName: A }] });
    expect(request(B)).toMatchObject({ state: 'live' });
  });

  it('a rolled-back update leaves live.json on the old model and records why', async () => {
    await aLive();
    trained(B, 0.991);
    await finish(B);

    rollBackUpdate(
      sm,
      ENDPOINT,
      A,
      'The primary container for production variant AllTraffic did not pass the ping health check.',
    );
    const out = await confirm();

    expect(out).toMatchObject({
      action: 'in-sync',
      trainingJobName: A,
      settled: [{ trainingJobName: B, state: 'not-serving' }],
    });
    expect(live()).toMatchObject({ trainingJobName: A, history: [] });
    expect(request(B)).toMatchObject({
      state: 'not-serving',
      reason: expect.stringMatching(
        /^the update to .*bbbb.* was rolled back: The primary container .* ping health check\.$/,
      ),
    });
  });

  it('a redelivered training event after the endpoint went InService confirms instead of doing nothing', async () => {
    trained(A, 0.99);
    await finish(A);
    settle(sm); // the state-change event was lost

    const again = await finish(A);

    expect(again).toMatchObject({
      action: 'deploy-requested',
      endpointChange: 'unchanged',
      sync: { action: 'moved', to: A },
    });
    expect(live()?.trainingJobName).toBe(A);
  });

  it('ignores state changes of another endpoint and refuses an event that is not one', async () => {
    await expect(
      confirmDeployment(
        {
          ...endpointStateChange(sm, ENDPOINT),
          detail: { EndpointName: `${ENDPOINT}-2`, EndpointStatus: 'InService' },
        },
        truth,
      ),
    ).resolves.toMatchObject({ action: 'ignored' });
    await expect(
      confirmDeployment({ ...endpointStateChange(sm, ENDPOINT), 'detail-type': 'Object Created' } as never, truth),
    ).rejects.toThrow(/expects an EventBridge "SageMaker Endpoint State Change" event/);
  });

  it('repairs a live.json that names a model the endpoint does not serve', async () => {
    await aLive();
    trained(B, 0.991);
    await finish(B);
    settle(sm);
    // live.json was put back by hand (or by an old deployModel) while the endpoint serves B.
    s3.put(ARTIFACTS, REGISTRY_LIVE_KEY, { ...live()!, trainingJobName: A, modelName: A, endpointConfigName: A });

    await expect(syncLiveWithEndpoint(truth)).resolves.toMatchObject({ action: 'moved', from: A, to: B });
    expect(live()?.endpointConfigName).toBe(serving());
  });

  it('leaves live.json alone when the endpoint serves a config the registry does not know', async () => {
    await aLive();
    sm.configs.set('hand-made', { EndpointConfigName: 'hand-made', ProductionVariants: [] });
    sm.endpoints.set(ENDPOINT, {
      EndpointName: ENDPOINT,
      EndpointConfigName: 'hand-made',
      EndpointStatus: 'InService',
    });

    await expect(syncLiveWithEndpoint(truth)).resolves.toMatchObject({
      action: 'unknown-config',
      endpointConfigName: 'hand-made',
    });
    expect(live()?.trainingJobName).toBe(A);
  });
});

describe('races: the endpoint current config is the truth', () => {
  it('two concurrent deploys: one update is refused as busy and retried; live.json ends on the endpoint config', async () => {
    await aLive();
    trained(B, 0.991);
    trained(C, 0.992);

    // Both see the endpoint InService and call UpdateEndpoint; SageMaker accepts one.
    const results = await Promise.allSettled([finish(B), finish(C)]);

    const refused = results.findIndex((r) => r.status === 'rejected');
    expect(results[refused]).toMatchObject({ reason: expect.any(EndpointBusyError) });
    const [winner, loser] = refused === 0 ? [C, B] : [B, C];
    expect(serving()).toBe(winner);
    const stale = endpointStateChange(sm, ENDPOINT);

    // The winner's InService event is late: Lambda retries the loser first, once the endpoint settled.
    settle(sm);
    await finish(loser);
    await confirmDeployment(stale, truth);
    settle(sm);
    await confirm();

    expect(serving()).toBe(loser);
    expect(live()).toMatchObject({ trainingJobName: loser, history: [{ trainingJobName: A }] });
    expect(request(loser)).toMatchObject({ state: 'live' });
    expect(request(winner)).toMatchObject({
      state: 'not-serving',
      reason: expect.stringContaining('a later change replaced it'),
    });
  });

  it('two concurrent deploys, events in order: live.json names each model while the endpoint serves it', async () => {
    await aLive();
    trained(B, 0.991);
    trained(C, 0.992);
    // C waits for the endpoint to leave Updating (B); B's InService event is handled meanwhile.
    const liveOnB: Array<string | undefined> = [];
    const sleep = async () => {
      settle(sm);
      await confirm();
      liveOnB.push(live()?.trainingJobName);
    };
    await finish(B);
    await finish(C, { ...deploy, busyWait: { maxWaitMs: 60_000, pollMs: 1, sleep } });
    expect(liveOnB).toEqual([B]);
    expect(live()?.trainingJobName).toBe(B); // C accepted, not yet serving

    settle(sm);
    await confirm();

    expect(serving()).toBe(C);
    expect(live()).toMatchObject({ trainingJobName: C, history: [{ trainingJobName: A }, { trainingJobName: B }] });
    expect([request(B)?.state, request(C)?.state]).toEqual(['live', 'live']);
  });

  it('a rollback racing a deploy: whichever update the endpoint ends on is what live.json names', async () => {
    await aLive();
    trained(B, 0.991);
    await finish(B);
    settle(sm);
    await confirm(); // live B, history [A]
    trained(C, 0.992);

    // The rollback (to A) is accepted; deploy C waits for it to finish, then replaces it.
    const rolled = await rollback({}, { ...truth, settings: { ...truth.settings, gate: DEPLOY_SETTINGS.gate } });
    const waitThenSettle = { maxWaitMs: 60_000, pollMs: 1, sleep: async () => settle(sm) };
    const deployed = await finish(C, { ...deploy, busyWait: waitThenSettle });
    expect(rolled).toMatchObject({ to: A, sync: { action: 'endpoint-not-in-service' } });
    expect(deployed).toMatchObject({ action: 'deploy-requested', endpointChange: 'updated' });

    settle(sm);
    await confirm();

    expect(serving()).toBe(C);
    expect(live()).toMatchObject({ trainingJobName: C, history: [{ trainingJobName: A }, { trainingJobName: B }] });
    expect(request(A)).toMatchObject({ kind: 'rollback', state: 'not-serving' });
  });

  it('a rollback confirmed before the deploy: live.json names A, then C, each when the endpoint serves it', async () => {
    await aLive();
    trained(B, 0.991);
    await finish(B);
    settle(sm);
    await confirm();

    await rollback({}, { ...truth, settings: { ...truth.settings, gate: DEPLOY_SETTINGS.gate } });
    settle(sm);
    await confirm();
    expect(live()).toMatchObject({ trainingJobName: A, history: [] });

    trained(C, 0.992);
    await finish(C);
    settle(sm);
    await confirm();
    expect(live()).toMatchObject({ trainingJobName: C, history: [{ trainingJobName: A }] });
  });

  it('two confirmations at once: one moves live.json, the other loses the If-Match race and is retried', async () => {
    await aLive();
    trained(B, 0.991);
    await finish(B);
    settle(sm);
    const before = s3.mock.commandCalls(PutObjectCommand).length;
    // Both read live.json before either writes it.
    const results = await Promise.allSettled([syncLiveWithEndpoint(truth), syncLiveWithEndpoint(truth)]);

    const writes = s3.mock
      .commandCalls(PutObjectCommand)
      .slice(before)
      .filter((c) => c.args[0].input.Key === REGISTRY_LIVE_KEY);
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => w.args[0].input.IfMatch)).toBe(true);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(EndpointBusyError) });
    await expect(syncLiveWithEndpoint(truth)).resolves.toMatchObject({ action: 'in-sync', trainingJobName: B });
    expect(live()).toMatchObject({ trainingJobName: B, history: [{ trainingJobName: A }] });
  });
});
