import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { captureLogLines } from '@digits/lambda-kit/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { httpEvent, lambdaContext } from '@digits/test-kit';

const sagemaker = mockClient(SageMakerClient);
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

/** What serverless.yml sets for the function. */
const STAGE_ENV = {
  ENDPOINT_NAME: 'digits-dev',
  ARTIFACTS_BUCKET: 'digits-dev-artifacts',
  CORS_ORIGINS: '*',
  MONITORING_BUCKET: 'digits-dev-monitoring',
  DIGITS_CAPTURE_RATE: '0',
  DIGITS_CAPTURE_BATCH: '25',
  DIGITS_CAPTURE_FLUSH_SECONDS: '60',
  INBOX_BUCKET: 'digits-dev-inbox',
  FEEDBACK_MIN_CORRECTIONS: '100',
  FEEDBACK_SCHEDULE: 'rate(1 day)',
  POWERTOOLS_SERVICE_NAME: 'inference',
  POWERTOOLS_METRICS_NAMESPACE: 'digits-dev',
  LOG_LEVEL: 'error',
  AWS_REGION: 'us-east-1',
};

describe('handlers/api', () => {
  it('serves with the endpoint and bucket named by ENDPOINT_NAME and ARTIFACTS_BUCKET', async () => {
    Object.assign(process.env, STAGE_ENV);
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'digits-dev' }).resolves({ EndpointStatus: 'InService' });
    const { handler } = await import('../../src/handlers/api');
    const res = await handler(httpEvent({ path: '/health' }), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({
      status: 'ok',
      ready: true,
      endpoint: { name: 'digits-dev', status: 'InService' },
    });
  });

  it('logs through the function logger: every line carries the request id, at the level LOG_LEVEL sets', async () => {
    Object.assign(process.env, { ...STAGE_ENV, LOG_LEVEL: 'warn' });
    const { handler } = await import('../../src/handlers/api');
    const capture = captureLogLines();
    try {
      const res = await handler(httpEvent({ path: '/nowhere' }), lambdaContext('req-404'));
      expect(res.statusCode).toBe(404);
      expect(capture.lines().filter((l) => 'level' in l)).toEqual([
        expect.objectContaining({
          level: 'WARN',
          message: 'request refused',
          service: 'inference',
          function_request_id: 'req-404',
          status: 404,
          detail: expect.stringContaining('/nowhere'),
        }),
      ]);
    } finally {
      capture.restore();
    }
  });

  it('publishes its metrics as EMF in the stage namespace: a refusal counts as ClientErrors by code', async () => {
    Object.assign(process.env, STAGE_ENV);
    const { handler } = await import('../../src/handlers/api');
    const capture = captureLogLines();
    try {
      await handler(httpEvent({ path: '/nowhere' }), lambdaContext('req-404'));
      expect(capture.lines().filter((l) => '_aws' in l)).toEqual([
        expect.objectContaining({
          ClientErrors: 1,
          code: 'NOT_FOUND',
          service: 'inference',
          _aws: expect.objectContaining({
            CloudWatchMetrics: [
              expect.objectContaining({ Namespace: 'digits-dev', Dimensions: [['service', 'code']] }),
            ],
          }),
        }),
      ]);
    } finally {
      capture.restore();
    }
  });

  it('fails at start-up, naming the missing variable', async () => {
    delete process.env.ENDPOINT_NAME;
    process.env.ARTIFACTS_BUCKET = 'digits-dev-artifacts';
    await expect(import('../../src/handlers/api')).rejects.toThrow('environment variable ENDPOINT_NAME is not set');
  });
});
