import type { Logger } from '@digits/common';
import { health } from '../../src/endpoint/health';
import type { EndpointState } from '../../src/endpoint/status';
import type { Services } from '../../src/services';

/** SageMaker's FailureReason names accounts, roles, images and buckets: not for the public. */
const REASON =
  'The role arn:aws:iam::123456789012:role/digits-dev-sagemaker could not pull image ' +
  '123456789012.dkr.ecr.us-east-1.amazonaws.com/digits-model:abc from s3://digits-dev-artifacts/models/x';

function servicesWith(state: EndpointState | Error) {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() } satisfies Logger;
  const services = {
    config: { endpointName: 'digits-dev', artifactsBucket: 'b', corsOrigins: ['*'] },
    logger,
    endpointStatus: {
      get: () => (state instanceof Error ? Promise.reject(state) : Promise.resolve(state)),
      invalidate: () => undefined,
    },
  } as unknown as Services;
  return { services, logger };
}

describe('GET /health', () => {
  it('answers a Failed endpoint with a code, never SageMaker`s FailureReason, which goes to the log', async () => {
    const { services, logger } = servicesWith({
      name: 'digits-dev',
      status: 'Failed',
      serving: false,
      failureReason: REASON,
    });
    const res = await health(services);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/arn:aws|123456789012|s3:\/\/|dkr\.ecr/);
    expect(JSON.parse(res.body as string)).toEqual({
      status: 'ok',
      ready: false,
      endpoint: { name: 'digits-dev', status: 'Failed', failure: 'ENDPOINT_FAILED' },
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'model endpoint failed',
      expect.objectContaining({ endpoint: 'digits-dev', failureReason: REASON }),
    );
  });

  it('answers an InService endpoint with its name and status only', async () => {
    const { services, logger } = servicesWith({ name: 'digits-dev', status: 'InService', serving: true });
    expect(JSON.parse((await health(services)).body as string)).toEqual({
      status: 'ok',
      ready: true,
      endpoint: { name: 'digits-dev', status: 'InService' },
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('answers a code, not the SDK error, when the status cannot be read', async () => {
    const { services } = servicesWith(new Error('User: arn:aws:sts::123456789012:assumed-role/x is not authorized'));
    const res = await health(services);
    expect(res.body).not.toMatch(/arn:aws/);
    expect(JSON.parse(res.body as string).endpoint).toEqual({
      name: 'digits-dev',
      status: 'Unknown',
      failure: 'STATUS_UNREADABLE',
    });
  });
});
