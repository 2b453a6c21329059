import {
  createFunctionLogger,
  createFunctionTelemetry,
  functionInstrumentation,
  lambdaFunction,
  tracingWanted,
} from '../src';
import { captureLogLines, lambdaContext } from '../src/testing';

let capture: ReturnType<typeof captureLogLines>;
const env = { ...process.env };
beforeEach(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'digits-test';
  capture = captureLogLines();
});
afterEach(() => {
  capture.restore();
  process.env = { ...env };
});

/** EMF lines: the ones with CloudWatch metric directives. */
const emf = () =>
  capture.lines().filter((l) => (l._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics);

describe('function telemetry', () => {
  it('publishes what the invocation recorded as one EMF line in the stage namespace, with the service dimension', async () => {
    const telemetry = createFunctionTelemetry('test-service');
    const handler = lambdaFunction<unknown, string>(
      createFunctionLogger('test-service', 'info'),
      'sync',
      telemetry,
    ).handler(async () => {
      telemetry.metrics.milliseconds('EndpointLatency', 12.5);
      telemetry.metrics.value('Confidence', 0.9);
      telemetry.metrics.value('Confidence', 0.4);
      return 'ok';
    });

    await handler({}, lambdaContext('digits-test-fn'));

    const [line, ...rest] = emf();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      service: 'test-service',
      EndpointLatency: 12.5,
      Confidence: [0.9, 0.4],
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'digits-test',
            Dimensions: [['service']],
            Metrics: expect.arrayContaining([
              { Name: 'EndpointLatency', Unit: 'Milliseconds' },
              { Name: 'Confidence', Unit: 'None' },
            ]),
          },
        ],
      },
    });
  });

  it('a dimensioned value is its own line, so its dimension does not spread to the others', async () => {
    const telemetry = createFunctionTelemetry('test-service');
    const handler = lambdaFunction<unknown, string>(
      createFunctionLogger('test-service', 'info'),
      'sync',
      telemetry,
    ).handler(async () => {
      telemetry.metrics.count('Predictions', 2, { digit: '7' });
      telemetry.metrics.count('Requests');
      return 'ok';
    });

    await handler({}, lambdaContext());

    const lines = emf();
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => 'Predictions' in l)).toMatchObject({ digit: '7', Predictions: 2 });
    expect(lines.find((l) => 'Requests' in l)).not.toHaveProperty('digit');
  });

  it('writes nothing (not even a warning) for an invocation that recorded nothing, and still publishes after an error', async () => {
    const telemetry = createFunctionTelemetry('test-service');
    const quiet = lambdaFunction<unknown, string>(
      createFunctionLogger('test-service', 'info'),
      'sync',
      telemetry,
    ).handler(async () => 'ok');
    await quiet({}, lambdaContext());
    expect(capture.lines()).toEqual([]);

    const failing = lambdaFunction<unknown, string>(
      createFunctionLogger('test-service', 'info'),
      'sync',
      telemetry,
    ).handler(async () => {
      telemetry.metrics.count('Attempts');
      throw new Error('boom');
    });
    await expect(failing({}, lambdaContext())).rejects.toThrow('boom');
    expect(emf()).toEqual([expect.objectContaining({ Attempts: 1 })]);
  });

  it('traces only inside Lambda, unless POWERTOOLS_TRACE_ENABLED turns it off; no Tracer (no X-Ray SDK) otherwise', () => {
    delete process.env.AWS_EXECUTION_ENV;
    expect(createFunctionTelemetry('s').powertools.tracer).toBeUndefined();
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    expect(createFunctionTelemetry('s').powertools.tracer?.isTracingEnabled()).toBe(true);
    for (const off of ['false', 'FALSE', '0', 'no', 'off']) {
      process.env.POWERTOOLS_TRACE_ENABLED = off;
      expect(createFunctionTelemetry('s').powertools.tracer).toBeUndefined();
    }
    process.env.POWERTOOLS_TRACE_ENABLED = 'true';
    expect(tracingWanted()).toBe(true);
  });

  it('hands SDK clients back unchanged when not tracing, and wrapped (same client) when tracing', () => {
    delete process.env.AWS_EXECUTION_ENV;
    const client = { middlewareStack: { add: jest.fn(), remove: jest.fn(), use: jest.fn() }, send: jest.fn() };
    expect(createFunctionTelemetry('s').traceClient(client)).toBe(client);
    expect(functionInstrumentation(createFunctionTelemetry('s'))).toHaveLength(1);
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    delete process.env.POWERTOOLS_TRACE_ENABLED;
    expect(functionInstrumentation(createFunctionTelemetry('s'))).toHaveLength(2);
  });
});
