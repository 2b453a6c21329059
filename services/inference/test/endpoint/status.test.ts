import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { describeEndpoint, endpointStatusCache } from '../../src/endpoint/status';

const sagemaker = mockClient(SageMakerClient);
const client = new SageMakerClient({ region: 'us-east-1' });
const notFound = Object.assign(new Error('Could not find endpoint "digits-test".'), { name: 'ValidationException' });

beforeEach(() => sagemaker.reset());

describe('describeEndpoint', () => {
  it.each([
    ['InService', true],
    // An endpoint keeps serving its current model while a new one rolls out or back.
    ['Updating', true],
    ['SystemUpdating', true],
    ['RollingBack', true],
    ['Creating', false],
    ['Failed', false],
    ['OutOfService', false],
    ['Deleting', false],
  ])('%s → serving %s', async (status, serving) => {
    sagemaker
      .on(DescribeEndpointCommand, { EndpointName: 'digits-test' })
      .resolves({ EndpointStatus: status as never });
    expect(await describeEndpoint(client, 'digits-test')).toEqual({ name: 'digits-test', status, serving });
  });

  it('reports a missing endpoint as NotFound, and the failure reason of a failed one', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(notFound)
      .resolvesOnce({ EndpointStatus: 'Failed', FailureReason: 'image not found' });
    expect(await describeEndpoint(client, 'digits-test')).toEqual({
      name: 'digits-test',
      status: 'NotFound',
      serving: false,
    });
    expect(await describeEndpoint(client, 'digits-test')).toMatchObject({
      status: 'Failed',
      failureReason: 'image not found',
    });
  });

  it('lets other failures through (throttling, permissions)', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(describeEndpoint(client, 'digits-test')).rejects.toThrow('Rate exceeded');
  });
});

describe('endpointStatusCache', () => {
  it('asks SageMaker at most once per TTL', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
    let t = 0;
    const status = endpointStatusCache(
      async () => client,
      'digits-test',
      5_000,
      () => t,
    );
    await status.get();
    await status.get();
    expect(sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(1);
    t = 5_000;
    await status.get();
    expect(sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(2);
  });
});
