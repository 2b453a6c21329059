import {
  ServiceConfigError,
  exportsOf,
  functionLogicalId,
  parseSchedule,
  parseServiceConfig,
} from '../../src/functions/service-config';

/** Shaped like `sls print --format json` output (variables already resolved by the framework). */
const printed = () => ({
  service: 'digits-preprocess',
  provider: {
    name: 'aws',
    region: 'us-east-1',
    timeout: 30,
    environment: { RAW_BUCKET: 'digits-local-raw', LOG_LEVEL: 'info' },
    httpApi: { cors: { allowedOrigins: ['http://localhost:3000'], allowCredentials: true } },
  },
  custom: {
    esbuild: { bundle: true, minify: true, target: 'node20', platform: 'node', format: 'cjs', packager: 'pnpm' },
  },
  functions: {
    'split-idx': {
      handler: 'src/handlers/split.handler',
      memorySize: 2048,
      environment: { LOG_LEVEL: 'debug', ROLE: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } },
      events: [
        {
          s3: {
            bucket: 'digits-local-raw',
            event: 's3:ObjectCreated:*',
            rules: [{ prefix: 'mnist/' }, { suffix: '.gz' }],
            existing: true,
          },
        },
        { s3: 'uploads' },
        { schedule: 'rate(1 hour)' },
      ],
      name: 'digits-preprocess-local-split-idx',
    },
    status: {
      handler: 'src/handlers/status.handler',
      events: [
        { httpApi: 'GET /status/{id}' },
        { httpApi: { method: '*', path: '/any' } },
        { httpApi: '*' },
        {
          eventBridge: {
            eventBus: 'arn:aws:events:us-east-1:000000000000:event-bus/ml',
            pattern: { source: ['aws.sagemaker'] },
            inputPath: '$.detail',
          },
        },
      ],
    },
  },
  resources: {
    Outputs: {
      RawBucketName: { Value: 'digits-local-raw', Export: { Name: { 'Fn::Sub': '${AWS::StackName}-RawBucket' } } },
    },
  },
});

describe('parseServiceConfig', () => {
  it('extracts functions with merged environment, timeouts and events', () => {
    const warnings: string[] = [];
    const service = parseServiceConfig(printed(), {
      serviceDir: '/svc',
      stage: 'local',
      warn: (m) => warnings.push(m),
    });
    const [split, status] = service.functions;
    expect(split).toMatchObject({
      service: 'digits-preprocess',
      key: 'split-idx',
      name: 'digits-preprocess-local-split-idx',
      handler: 'src/handlers/split.handler',
      timeoutSeconds: 30,
      memorySize: 2048,
      environment: {
        RAW_BUCKET: 'digits-local-raw',
        LOG_LEVEL: 'debug',
        ROLE: 'arn:aws:iam::000000000000:role/digits-preprocess-local-us-east-1-lambdaRole',
      },
    });
    expect(split!.events.s3).toEqual([
      { bucket: 'digits-local-raw', event: 's3:ObjectCreated:*', prefix: 'mnist/', suffix: '.gz', existing: true },
      { bucket: 'uploads', event: 's3:ObjectCreated:*', existing: false },
    ]);
    expect(warnings).toEqual([]);
    expect(split!.events.schedule).toEqual([{ expression: 'rate(1 hour)', everyMs: 3_600_000 }]);
    expect(service.standIns).toEqual([
      expect.objectContaining({ functionName: 'digits-preprocess-local-split-idx', variable: 'ROLE' }),
    ]);

    expect(status).toMatchObject({ name: 'digits-preprocess-local-status', timeoutSeconds: 30, memorySize: 1024 });
    expect(status!.events.httpApi.map((r) => r.routeKey)).toEqual(['GET /status/{id}', 'ANY /any', '$default']);
    expect(status!.events.eventBridge).toEqual([
      { eventBus: 'ml', pattern: { source: ['aws.sagemaker'] }, inputPath: '$.detail' },
    ]);
  });

  it('fills CORS like osls: default headers, methods from the routes', () => {
    const service = parseServiceConfig(printed(), { serviceDir: '/svc', stage: 'local' });
    expect(service.cors).toMatchObject({ allowedOrigins: ['http://localhost:3000'], allowCredentials: true });
    expect(service.cors!.allowedHeaders).toContain('Content-Type');
    expect(service.cors!.allowedMethods).toEqual(expect.arrayContaining(['OPTIONS', 'GET', 'POST', 'DELETE']));
    expect(service.esbuild).toMatchObject({ target: 'node20', format: 'cjs' });
  });

  it('rejects what would not deploy, naming service and function', () => {
    const reserved = printed();
    (reserved.functions.status as Record<string, unknown>).environment = { AWS_REGION: 'eu-west-1' };
    expect(() => parseServiceConfig(reserved, { serviceDir: '/svc', stage: 'local' })).toThrow(
      new ServiceConfigError(
        'digits-preprocess: function status: environment variable AWS_REGION is reserved by Lambda',
      ),
    );

    const badHandler = printed();
    badHandler.functions.status.handler = 'src/handlers/status';
    expect(() => parseServiceConfig(badHandler, { serviceDir: '/svc', stage: 'local' })).toThrow(
      /function status: handler must look like/,
    );

    const twoPrefixes = printed();
    twoPrefixes.functions['split-idx'].events[0] = {
      s3: { bucket: 'b', event: 's3:ObjectCreated:*', rules: [{ prefix: 'a/' }, { prefix: 'b/' }], existing: true },
    };
    expect(() => parseServiceConfig(twoPrefixes, { serviceDir: '/svc', stage: 'local' })).toThrow(
      /more than one prefix rule/,
    );
  });

  it('resolves CloudFormation exports for Fn::ImportValue across services', () => {
    expect(exportsOf(printed(), 'local')).toEqual({ 'digits-preprocess-local-RawBucket': 'digits-local-raw' });
    expect(functionLogicalId('split-idx')).toBe('SplitDashidxLambdaFunction');
  });
});

describe('parseSchedule', () => {
  it('reads rate expressions, alone, in an object or a list', () => {
    expect(parseSchedule('rate(1 day)', 'at')).toEqual([{ expression: 'rate(1 day)', everyMs: 86_400_000 }]);
    expect(parseSchedule({ rate: ['rate(5 minutes)', 'rate(2 hours)'] }, 'at')).toEqual([
      { expression: 'rate(5 minutes)', everyMs: 300_000 },
      { expression: 'rate(2 hours)', everyMs: 7_200_000 },
    ]);
  });

  it('says why a cron, a malformed or a disabled schedule is not triggered', () => {
    expect(parseSchedule({ rate: 'cron(0 3 * * ? *)' }, 'fn: events[0].schedule')).toBe(
      'fn: events[0].schedule: "cron(0 3 * * ? *)" is not triggered by the local runner (only rate(N minute|hour|day) is)',
    );
    expect(parseSchedule('rate(0 days)', 'at')).toMatch(/is not triggered/);
    expect(parseSchedule({ rate: 'rate(1 day)', enabled: false }, 'at')).toBe(
      'at: schedule is disabled (enabled: false), not triggered',
    );
  });
});
