import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { httpEvent, lambdaContext } from '@digits/test-kit';

const sagemaker = mockClient(SageMakerClient);
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

describe('handlers/api', () => {
  it('serves with the endpoint and bucket named by ENDPOINT_NAME and ARTIFACTS_BUCKET', async () => {
    Object.assign(process.env, {
      ENDPOINT_NAME: 'digits-dev',
      ARTIFACTS_BUCKET: 'digits-dev-artifacts',
      CORS_ORIGINS: '*',
      LOG_LEVEL: 'error',
      AWS_REGION: 'us-east-1',
    });
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

  it('fails at start-up, naming the missing variable', async () => {
    delete process.env.ENDPOINT_NAME;
    process.env.ARTIFACTS_BUCKET = 'digits-dev-artifacts';
    await expect(import('../../src/handlers/api')).rejects.toThrow('environment variable ENDPOINT_NAME is not set');
  });
});
