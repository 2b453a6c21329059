import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRAINING_PROFILES } from '@digits/common';
import { bundleService } from '../../src/functions/bundler';
import { matchesEventPattern } from '../../src/functions/event-pattern';
import { resolveServices } from '../../src/functions/service-config';
import { s3SourceMatches } from '../../src/functions/s3-notifications';
import type { FunctionDefinition, ServiceDefinition } from '../../src/functions/types';

/**
 * The product's own serverless.yml files, resolved for stage local exactly as `pnpm start` does:
 * the functions and events the offline pipeline relies on are there, the buckets one service
 * writes are the ones the next subscribes to, and every handler bundles.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const NAMES = ['ingest', 'preprocess', 'training', 'inference', 'monitoring'] as const;
jest.setTimeout(300_000);
// shared.yml names buckets `${env:DIGITS_BUCKET_PREFIX, 'digits-<stage>'}-<role>`.
const PREFIX = process.env.DIGITS_BUCKET_PREFIX ?? 'digits-local';

describe('the services’ serverless.yml, resolved for stage local', () => {
  let services: Record<string, ServiceDefinition> = {};
  const fns = (name: string): FunctionDefinition[] => services[name]?.functions ?? [];
  const s3Subscriber = (service: string, bucket: string, key: string) =>
    fns(service).find((f) =>
      f.events.s3.some((s) => s3SourceMatches(s, { bucket, key, eventName: 'ObjectCreated:Put' })),
    );

  beforeAll(async () => {
    const resolved = await resolveServices(
      NAMES.map((name) => path.join(ROOT, 'services', name)),
      { stage: 'local' },
    );
    services = Object.fromEntries(resolved.map((s, i) => [NAMES[i]!, s]));
  });

  it('ingest subscribes to uploads in the inbox bucket and writes the raw bucket', () => {
    const upload = s3Subscriber('ingest', `${PREFIX}-inbox`, 'inbox/train-images-idx3-ubyte.gz');
    expect(upload).toBeDefined();
    expect(upload!.environment.RAW_BUCKET).toBe(`${PREFIX}-raw`);
  });

  it('preprocess runs on raw datasets and writes the processed bucket', () => {
    const raw = fns('preprocess').find((f) => f.events.s3.some((s) => s.bucket === `${PREFIX}-raw`));
    expect(raw).toBeDefined();
    expect(raw!.environment.PROCESSED_BUCKET).toBe(`${PREFIX}-processed`);
    // what ingest writes is what preprocess listens to
    const ingestRaw = fns('ingest').find((f) => f.events.s3.length > 0)!.environment.RAW_BUCKET!;
    expect(s3Subscriber('preprocess', ingestRaw, 'datasets/mnist/train-images-idx3-ubyte.gz')).toBeDefined();
  });

  it('training starts on a manifest and deploys on the training state-change event', () => {
    const start = s3Subscriber('training', `${PREFIX}-processed`, 'datasets/mnist/v1/manifest.json');
    expect(start).toBeDefined();
    expect(s3Subscriber('training', `${PREFIX}-processed`, 'datasets/mnist/v1/train-000.csv')).toBeUndefined();
    const stateChange = (status: string) => ({
      version: '0',
      id: 'x',
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      account: '000000000000',
      region: 'us-east-1',
      time: '2026-01-01T00:00:00Z',
      resources: [],
      detail: {
        TrainingJobName: `${start!.environment.TRAINING_JOB_PREFIX ?? 'digits-local'}--mnist-20260101-000000-a1`,
        TrainingJobStatus: status,
      },
    });
    const deployers = (status: string) =>
      fns('training').filter((f) =>
        f.events.eventBridge.some((r) => matchesEventPattern(r.pattern, stateChange(status))),
      );
    expect(deployers('Completed')).toHaveLength(1);
    expect(deployers('InProgress')).toHaveLength(0);
  });

  it('training trains with the profile TRAINING_PROFILE names, the same values as @digits/common’s', async () => {
    const startTrainingEnv = (svc: ServiceDefinition) =>
      svc.functions.find((f) => f.key === 'startTraining')!.environment;
    const trained = (svc: ServiceDefinition) =>
      JSON.parse(startTrainingEnv(svc).DEFAULT_HYPERPARAMETERS!) as Record<string, string>;
    expect(trained(services.training!)).toEqual(TRAINING_PROFILES.default);
    const [cloud] = await resolveServices([path.join(ROOT, 'services', 'training')], {
      stage: 'local',
      env: { TRAINING_PROFILE: 'cloud' },
    });
    expect(trained(cloud!)).toEqual(TRAINING_PROFILES.cloud);
    // reconcile starts jobs too: it trains with the same profile
    expect(cloud!.functions.find((f) => f.key === 'reconcile')!.environment.DEFAULT_HYPERPARAMETERS).toBe(
      startTrainingEnv(cloud!).DEFAULT_HYPERPARAMETERS,
    );
  });

  it('inference serves POST /predict and GET /health over the HTTP API', () => {
    const routes = fns('inference').flatMap((f) => f.events.httpApi.map((r) => r.routeKey));
    expect(routes).toEqual(expect.arrayContaining(['POST /predict', 'GET /health']));
  });

  it('monitoring runs drift daily on the bucket inference captures to, against the data preprocess writes', () => {
    const drift = fns('monitoring').find((f) => f.key === 'drift')!;
    expect(drift.events.schedule).toEqual([{ expression: 'rate(1 day)', everyMs: 86_400_000 }]);
    const api = fns('inference')[0]!;
    expect(drift.environment.MONITORING_BUCKET).toBe(api.environment.MONITORING_BUCKET);
    expect(drift.environment.MONITORING_BUCKET).toBe(`${PREFIX}-monitoring`);
    expect(drift.environment.PROCESSED_BUCKET).toBe(`${PREFIX}-processed`);
    expect(api.environment.DIGITS_CAPTURE_RATE).toBe(process.env.DIGITS_CAPTURE_RATE ?? '0.05');
  });

  it('bundles every handler of every service', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'service-bundles-'));
    try {
      for (const service of Object.values(services)) {
        const bundles = await bundleService(service, out);
        for (const fn of service.functions) expect(existsSync(bundles.get(fn.name)!.file)).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
