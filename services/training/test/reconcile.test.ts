/**
 * Issue 10 item 2: the reconcile path finds manifests with no completed training job (and starts
 * the next attempt) and an endpoint whose config disagrees with registry/live.json (and repairs
 * live.json from the endpoint).
 */
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { REGISTRY_LIVE_KEY, type LivePointer } from '@digits/common';
import { deployModel } from '../src/deploy-model';
import { reconcile, type ReconcileDeps } from '../src/reconcile';
import { syncLiveWithEndpoint } from '../src/endpoint-truth';
import { trainingJobName } from '../src/job-name';
import {
  ARTIFACTS,
  DEPLOY_SETTINGS,
  ENDPOINT,
  PREFIX,
  PROCESSED,
  completedJob,
  fakeS3,
  fakeSageMaker,
  manifest,
  memoryLogger,
  putManifest,
  settle,
  type FakeS3,
  type FakeSageMaker,
  TRAINING_SETTINGS,
  reportsOf,
} from './aws-fakes';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';

const HP = { epochs: '5', batch_size: '128' };

let s3: FakeS3;
let sm: FakeSageMaker;
let deps: ReconcileDeps;

beforeEach(() => {
  s3 = fakeS3();
  sm = fakeSageMaker();
  deps = {
    s3: s3.client,
    sagemaker: sm.client,
    logger: memoryLogger(),
    settings: { ...TRAINING_SETTINGS, defaultHyperparameters: HP, endpointName: ENDPOINT },
  };
});

/** The job startTraining names for a manifest's attempt (with the service's dataset hyperparameters). */
const jobOf = (dataset: string, version: string, attempt = 1) =>
  trainingJobName(PREFIX, dataset, version, { ...HP, dataset, dataset_version: version }, attempt);
const created = () => sm.mock.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input.TrainingJobName);

describe('reconcile: manifests with no completed job', () => {
  it('starts training for a manifest whose event was lost, retries a failed job, and leaves running and completed ones', async () => {
    const lost = manifest('mnist', 'v-1111111111111111');
    const failed = manifest('mnist', 'v-2222222222222222');
    const running = manifest('mnist', 'v-3333333333333333');
    const done = manifest('mnist', 'v-4444444444444444');
    for (const m of [lost, failed, running, done]) putManifest(s3, m);
    s3.put(PROCESSED, 'mnist/v-1111111111111111/train/part-00000.csv', '0,0\n'); // not a manifest
    sm.jobs.set(jobOf('mnist', failed.version), { TrainingJobStatus: 'Failed', FailureReason: 'spot' } as never);
    sm.jobs.set(jobOf('mnist', running.version), { TrainingJobStatus: 'InProgress' } as never);
    sm.jobs.set(jobOf('mnist', done.version), { TrainingJobStatus: 'Completed' } as never);

    const out = await reconcile(deps);

    expect(created()).toEqual([jobOf('mnist', lost.version), jobOf('mnist', failed.version, 2)]);
    expect(out.training).toEqual([
      {
        key: 'mnist/v-1111111111111111/manifest.json',
        status: 'started',
        attempt: 1,
        trainingJobName: jobOf('mnist', lost.version),
      },
      {
        key: 'mnist/v-2222222222222222/manifest.json',
        status: 'started',
        attempt: 2,
        trainingJobName: jobOf('mnist', failed.version, 2),
      },
      {
        key: 'mnist/v-3333333333333333/manifest.json',
        status: 'already-started',
        attempt: 1,
        trainingJobName: jobOf('mnist', running.version),
        existingStatus: 'InProgress',
      },
      {
        key: 'mnist/v-4444444444444444/manifest.json',
        status: 'already-started',
        attempt: 1,
        trainingJobName: jobOf('mnist', done.version),
        existingStatus: 'Completed',
      },
    ]);

    // Run again: nothing new starts (idempotent).
    await reconcile(deps);
    expect(created()).toHaveLength(2);
  });

  it('reports a version that used up its attempts, and a bad manifest, without stopping the others', async () => {
    const gaveUp = manifest('mnist', 'v-5555555555555555');
    putManifest(s3, gaveUp);
    for (const n of [1, 2, 3]) sm.jobs.set(jobOf('mnist', gaveUp.version, n), { TrainingJobStatus: 'Failed' } as never);
    s3.put(PROCESSED, 'broken/v-6666666666666666/manifest.json', '{"not":"a manifest"}');
    putManifest(s3, manifest('mnist', 'v-7777777777777777'));

    const out = await reconcile(deps);

    expect(out.training).toEqual([
      {
        key: 'broken/v-6666666666666666/manifest.json',
        error: expect.stringContaining('broken/v-6666666666666666/manifest.json'),
      },
      { key: 'mnist/v-5555555555555555/manifest.json', error: expect.stringMatching(/3 training attempts failed/) },
      expect.objectContaining({ key: 'mnist/v-7777777777777777/manifest.json', status: 'started' }),
    ]);
  });
});

describe('reconcile: the endpoint against live.json', () => {
  it('repairs live.json from the endpoint current config (a lost InService event)', async () => {
    const deploy = {
      ...deps,
      settings: DEPLOY_SETTINGS,
      busyWait: { maxWaitMs: 0, pollMs: 0 },
      readReport: reportsOf(sm),
    };
    const [a, b] = [`${PREFIX}--mnist-aaaa-1111111111-a1`, `${PREFIX}--mnist-bbbb-2222222222-a1`];
    const live = () => s3.json<LivePointer>(ARTIFACTS, REGISTRY_LIVE_KEY);
    sm.jobs.set(a, completedJob(a, 0.99));
    sm.jobs.set(b, completedJob(b, 0.991));
    await deployModel(stateChange({ TrainingJobName: a }).detail, deploy);
    settle(sm);
    await syncLiveWithEndpoint(deps);
    await deployModel(stateChange({ TrainingJobName: b }).detail, deploy);
    settle(sm); // B serves; its state-change event never arrives
    expect(live()?.trainingJobName).toBe(a);

    const out = await reconcile(deps);

    expect(out.endpoint).toMatchObject({ action: 'moved', from: a, to: b });
    expect(live()).toMatchObject({ trainingJobName: b, history: [{ trainingJobName: a }] });
  });

  it('says there is no endpoint yet', async () => {
    await expect(reconcile(deps)).resolves.toMatchObject({ training: [], endpoint: { action: 'no-endpoint' } });
  });
});
