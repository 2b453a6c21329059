/**
 * Issue 13: the packaged CloudFormation of every service (`sls package`, offline, no credentials)
 * holds the stage's observability — X-Ray tracing and the Powertools settings on every function,
 * an access log on the HTTP API, an errors alarm per function, the alarms that say something
 * is wrong with the product (API 5xx rate, /predict p99, training failures, gate refusals, drift,
 * failed events), every alarm notifying the stage's one SNS topic, the dashboard, and the
 * monitoring bucket (captures) encrypted, private, TLS-only and expiring.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SERVICES = ['monitoring', 'ingest', 'preprocess', 'training', 'inference'] as const;
const STAGE = 'ci';
const TOPIC = { 'Fn::Sub': `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:digits-${STAGE}-alarms` };

interface Resource {
  Type: string;
  Properties: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudFormation properties are free-form
  Condition?: string;
}
type Template = { Resources: Record<string, Resource> };

const templates = {} as Record<(typeof SERVICES)[number], Template>;
let out: string;

/** The stage-scoped default bucket names, whatever the caller's shell sets. */
function withoutBucketPrefix(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DIGITS_BUCKET_PREFIX;
  return env;
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'digits-templates-'));
  // One at a time: each `sls package` bundles with esbuild, and the machine is small.
  // serverless-esbuild leaves each function's zip staging folder in the temp dir: keep them in ours.
  const temp = join(out, 'tmp');
  await mkdir(temp);
  for (const service of SERVICES) {
    const dir = join(out, service);
    await promisify(execFile)('pnpm', ['exec', 'sls', 'package', '--stage', STAGE, '--package', dir], {
      cwd: join(ROOT, 'services', service),
      env: { ...withoutBucketPrefix(), TMPDIR: temp },
    });
    templates[service] = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }
}, 240_000);
afterAll(() => rm(out, { recursive: true, force: true }));

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe.each(SERVICES)('the %s stack', (service) => {
  it('traces every function with X-Ray and gives it the Powertools service and stage namespace', () => {
    const functions = ofType(templates[service], 'AWS::Lambda::Function').filter(
      ([name]) => !name.startsWith('CustomDashresource'),
    );
    expect(functions.length).toBeGreaterThan(0);
    for (const [name, fn] of functions) {
      expect({ name, tracing: fn.Properties.TracingConfig }).toEqual({ name, tracing: { Mode: 'Active' } });
      expect({ name, env: fn.Properties.Environment.Variables }).toMatchObject({
        name,
        env: { POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: `digits-${STAGE}` },
      });
    }
  });

  it('lets every function role send its traces', () => {
    // Not SageMaker's role, nor the framework's own role for its bucket-notification custom resource.
    const roles = ofType(templates[service], 'AWS::IAM::Role').filter(
      ([name]) => name !== 'SageMakerExecutionRole' && name !== 'IamRoleCustomResourcesLambdaExecution',
    );
    for (const [name, role] of roles) {
      const actions = JSON.stringify(role.Properties.Policies);
      expect({ name, xray: actions.includes('xray:PutTraceSegments') }).toEqual({ name, xray: true });
    }
  });

  it('has an errors alarm for each function, and every alarm notifies the stage topic', () => {
    const t = templates[service];
    const functionNames = ofType(t, 'AWS::Lambda::Function')
      .filter(([name]) => !name.startsWith('CustomDashresource'))
      .map(([, fn]) => fn.Properties.FunctionName as string);
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm');
    const errorAlarmsFor = alarms
      .filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === 'Errors')
      .map(([, a]) => a.Properties.Dimensions[0].Value as string);
    expect(errorAlarmsFor.sort()).toEqual(functionNames.sort());
    for (const [name, alarm] of alarms)
      expect({ name, actions: alarm.Properties.AlarmActions }).toEqual({ name, actions: [TOPIC] });
  });
});

const alarm = (service: (typeof SERVICES)[number], name: string) => templates[service].Resources[name]!.Properties;

it('inference: HTTP API access log, API 5xx rate and /predict p99 alarms', () => {
  expect(templates.inference.Resources.HttpApiStage!.Properties.AccessLogSettings.Format).toContain(
    '$context.requestId',
  );
  expect(JSON.stringify(alarm('inference', 'Api5xxRateAlarm').Metrics)).toContain('"MetricName":"5xx"');
  expect(alarm('inference', 'PredictLatencyAlarm')).toMatchObject({
    Namespace: `digits-${STAGE}`,
    MetricName: 'PredictLatency',
    ExtendedStatistic: 'p99',
  });
  const fn = ofType(templates.inference, 'AWS::Lambda::Function')[0]![1];
  expect(fn.Properties.Environment.Variables).toMatchObject({
    DIGITS_CAPTURE_RATE: '0.05',
    MONITORING_BUCKET: `digits-${STAGE}-monitoring`,
  });
});

it('training: alarms on failed training jobs and gate refusals', () => {
  expect(alarm('training', 'TrainingJobFailuresAlarm')).toMatchObject({
    MetricName: 'TrainingJobs',
    Dimensions: [
      { Name: 'service', Value: 'training' },
      { Name: 'outcome', Value: 'Failed' },
    ],
  });
  expect(alarm('training', 'GateRefusalsAlarm')).toMatchObject({
    MetricName: 'GateDecisions',
    Dimensions: [
      { Name: 'service', Value: 'training' },
      { Name: 'outcome', Value: 'refused' },
    ],
  });
});

it('every service with async functions alarms on its failed-events queue', () => {
  for (const service of ['ingest', 'preprocess', 'training', 'monitoring'] as const) {
    expect(alarm(service, 'FailedEventsAlarm')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [TOPIC],
    });
  }
});

describe('monitoring', () => {
  const resources = () => templates.monitoring.Resources;

  it('owns the stage alarm topic, e-mailed only when an address is given', () => {
    expect(resources().AlarmTopic!.Properties.TopicName).toBe(`digits-${STAGE}-alarms`);
    expect(resources().AlarmEmailSubscription).toMatchObject({
      Condition: 'HasAlarmEmail',
      Properties: { Protocol: 'email' },
    });
  });

  it('alarms on model drift past the threshold', () => {
    expect(alarm('monitoring', 'DriftAlarm')).toMatchObject({
      MetricName: 'DriftScore',
      Threshold: '0.3',
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('has the stage dashboard: traffic, latency, errors, digits, live model, training, drift', () => {
    const body = JSON.stringify(resources().Dashboard!.Properties.DashboardBody);
    for (const metric of [
      'Predictions',
      'PredictLatency',
      'EndpointLatency',
      'ClientErrors',
      'TrainingJobs',
      'GateDecisions',
      'TestAccuracy',
      'DriftScore',
    ])
      expect(body).toContain(metric);
    expect(body).toContain('confirmDeployment');
  });

  it('keeps captures in a bucket that is encrypted, private, TLS-only, and expires them', () => {
    const bucket = resources().MonitoringBucket!.Properties;
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'captures/', Status: 'Enabled', ExpirationInDays: 30 }),
    );
    const policy = resources().MonitoringBucketPolicy!.Properties.PolicyDocument.Statement;
    expect(policy).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('runs the drift job on a daily schedule', () => {
    const [, rule] = ofType(templates.monitoring, 'AWS::Events::Rule')[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 day)');
  });
});
