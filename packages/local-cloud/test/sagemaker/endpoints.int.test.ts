import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointsCommand,
  UpdateEndpointCommand,
  type DescribeEndpointCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, ModelError, ValidationError } from '@aws-sdk/client-sagemaker-runtime';
import { create } from 'tar';
import type { SageMakerEvent } from '../../src/sagemaker';
import { failure, putText, ROLE_ARN, startStack, tempDir, waitFor, type Stack } from './sagemaker-stack';

// Child processes and polling: generous limits so a busy machine slows the tests down instead of failing them.
jest.setTimeout(120_000);

/** A model.tar.gz as training would produce it, with model.json naming the model by `tag`. */
async function uploadModel(stack: Stack, tag: string): Promise<string> {
  const dir = await tempDir('model-src-');
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', 'model.json'), JSON.stringify({ tag }));
  const file = join(dir, 'model.tar.gz');
  await create({ gzip: true, file, cwd: join(dir, 'model') }, ['model.json']);
  const { readFile } = await import('node:fs/promises');
  await putText(stack.s3Client, 'artifacts', `training/${tag}/output/model.tar.gz`, await readFile(file));
  return `s3://artifacts/training/${tag}/output/model.tar.gz`;
}

async function deployable(stack: Stack, tag: string, environment: Record<string, string> = {}): Promise<string> {
  const url = await uploadModel(stack, tag);
  await stack.sm.send(
    new CreateModelCommand({
      ModelName: `model-${tag}`,
      ExecutionRoleArn: ROLE_ARN,
      PrimaryContainer: {
        Image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/digits-model:latest',
        ModelDataUrl: url,
        Environment: environment,
      },
    }),
  );
  await stack.sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `config-${tag}`,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: `model-${tag}`,
          ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
        },
      ],
    }),
  );
  return `config-${tag}`;
}

describe('local SageMaker endpoints, through the unchanged SageMaker and SageMaker Runtime clients', () => {
  let stack: Stack;
  const events: SageMakerEvent[] = [];

  beforeAll(async () => {
    // Long enough for a healthy serve to start on a busy machine, short enough to wait out the one that never pings.
    stack = await startStack({ pingTimeoutMs: 8000 });
    stack.sagemaker.onEvent((e) => events.push(e));
  });
  afterAll(() => stack.close());

  const describeEndpoint = () => stack.sm.send(new DescribeEndpointCommand({ EndpointName: 'digits' }));
  const settled = (d: DescribeEndpointCommandOutput) =>
    d.EndpointStatus === 'InService' || d.EndpointStatus === 'Failed';
  const invoke = (body: string) =>
    stack.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: 'digits',
        Body: Buffer.from(body),
        ContentType: 'text/csv',
        Accept: 'application/json',
      }),
    );
  const answer = async (body: string) =>
    JSON.parse(Buffer.from((await invoke(body)).Body).toString('utf8')) as {
      tag: string;
      body: string;
      contentType: string;
      accept: string;
      pid: number;
    };

  it('stores models and endpoint configs with SageMaker-shaped descriptions', async () => {
    await deployable(stack, 'v1');
    const model = await stack.sm.send(new DescribeModelCommand({ ModelName: 'model-v1' }));
    expect(model).toMatchObject({
      ModelName: 'model-v1',
      ModelArn: 'arn:aws:sagemaker:us-east-1:000000000000:model/model-v1',
      ExecutionRoleArn: ROLE_ARN,
      PrimaryContainer: { ModelDataUrl: 's3://artifacts/training/v1/output/model.tar.gz' },
    });
    expect(model.CreationTime).toBeInstanceOf(Date);
    const config = await stack.sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'config-v1' }));
    expect(config.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      ModelName: 'model-v1',
      InitialVariantWeight: 1,
      ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
    });
  });

  it('refuses duplicates, unknown references and missing model data like SageMaker', async () => {
    const again = await failure(
      stack.sm.send(
        new CreateModelCommand({ ModelName: 'model-v1', ExecutionRoleArn: ROLE_ARN, PrimaryContainer: { Image: 'x' } }),
      ),
    );
    expect([again.name, again.message]).toEqual([
      'ValidationException',
      'Cannot create already existing model "arn:aws:sagemaker:us-east-1:000000000000:model/model-v1".',
    ]);
    const noData = await failure(
      stack.sm.send(
        new CreateModelCommand({
          ModelName: 'model-nodata',
          ExecutionRoleArn: ROLE_ARN,
          PrimaryContainer: { Image: 'x', ModelDataUrl: 's3://artifacts/none/model.tar.gz' },
        }),
      ),
    );
    expect(noData.message).toBe('Could not find model data at s3://artifacts/none/model.tar.gz.');
    const noModel = await failure(
      stack.sm.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: 'config-x',
          ProductionVariants: [
            { VariantName: 'AllTraffic', ModelName: 'nope', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
          ],
        }),
      ),
    );
    expect(noModel.message).toBe('Could not find model "arn:aws:sagemaker:us-east-1:000000000000:model/nope".');
    const noConfig = await failure(
      stack.sm.send(new CreateEndpointCommand({ EndpointName: 'other', EndpointConfigName: 'nope' })),
    );
    expect(noConfig.message).toBe(
      'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:000000000000:endpoint-config/nope".',
    );
    const noEndpoint = await failure(stack.sm.send(new DescribeEndpointCommand({ EndpointName: 'nope' })));
    expect([noEndpoint.name, noEndpoint.message]).toEqual([
      'ValidationException',
      'Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/nope".',
    ]);
  });

  it('CreateEndpoint: Creating → InService once serve answers /ping; InvokeEndpoint proxies to it', async () => {
    const created = await stack.sm.send(
      new CreateEndpointCommand({ EndpointName: 'digits', EndpointConfigName: 'config-v1' }),
    );
    expect(created.EndpointArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:endpoint/digits');
    expect((await describeEndpoint()).EndpointStatus).toBe('Creating');
    // Not InService yet: the runtime answers as SageMaker does for an unknown endpoint.
    const early = await failure(invoke('1,2,3'));
    expect(early).toBeInstanceOf(ValidationError);
    expect((early as Error).message).toBe('Endpoint digits of account 000000000000 not found.');

    const endpoint = await waitFor(describeEndpoint, settled);
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.EndpointConfigName).toBe('config-v1');
    expect(endpoint.ProductionVariants?.[0]).toMatchObject({
      VariantName: 'AllTraffic',
      CurrentWeight: 1,
      CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
    });

    const result = await invoke('1,2,3');
    expect(result.ContentType).toBe('application/json');
    expect(result.InvokedProductionVariant).toBe('AllTraffic');
    expect(JSON.parse(Buffer.from(result.Body).toString('utf8'))).toMatchObject({
      tag: 'v1',
      body: '1,2,3',
      contentType: 'text/csv',
      accept: 'application/json',
    });

    const statuses = events.filter((e) => e.detail.EndpointName === 'digits').map((e) => e.detail.EndpointStatus);
    expect(statuses).toEqual(['Creating', 'InService']);
    expect(events.find((e) => e.detail.EndpointName === 'digits')?.['detail-type']).toBe(
      'SageMaker Endpoint State Change',
    );
  });

  it("maps the container's error answers to ModelError (424) with its status and message", async () => {
    const error = await failure<ModelError>(invoke('fail'));
    expect(error).toBeInstanceOf(ModelError);
    expect(error.$metadata.httpStatusCode).toBe(424);
    expect(error.OriginalStatusCode).toBe(400);
    expect(error.OriginalMessage).toBe('bad input: fail');
    expect(error.message).toMatch(/^Received client error \(400\) from primary with message "bad input: fail"/);
  });

  it('UpdateEndpoint to a config whose serve never answers /ping: the old model keeps serving, back to InService with a FailureReason', async () => {
    await deployable(stack, 'broken', { FAKE_SERVE_MODE: 'never-ready' });
    const before = await answer('x');
    await stack.sm.send(new UpdateEndpointCommand({ EndpointName: 'digits', EndpointConfigName: 'config-broken' }));
    expect((await describeEndpoint()).EndpointStatus).toBe('Updating');
    expect((await answer('during update')).tag).toBe('v1');
    const busy = await failure(
      stack.sm.send(new UpdateEndpointCommand({ EndpointName: 'digits', EndpointConfigName: 'config-v1' })),
    );
    expect(busy.message).toBe(
      'Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/digits".',
    );

    const endpoint = await waitFor(describeEndpoint, (d) => d.EndpointStatus !== 'Updating');
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.EndpointConfigName).toBe('config-v1');
    expect(endpoint.FailureReason).toMatch(
      /^The primary container for production variant AllTraffic did not pass the ping health check/,
    );
    const after = await answer('x');
    expect(after).toMatchObject({ tag: 'v1', pid: before.pid });
  });

  it('UpdateEndpoint to a healthy config swaps to the new model and stops the old serve', async () => {
    await deployable(stack, 'v2');
    const old = await answer('x');
    await stack.sm.send(new UpdateEndpointCommand({ EndpointName: 'digits', EndpointConfigName: 'config-v2' }));
    const endpoint = await waitFor(describeEndpoint, (d) => d.EndpointStatus !== 'Updating');
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'config-v2' });
    expect(endpoint.FailureReason).toBeUndefined();
    expect((await answer('x')).tag).toBe('v2');
    await waitFor(async () => {
      try {
        process.kill(old.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, Boolean);
  });

  it('an endpoint whose serve exits at start goes Failed with the reason', async () => {
    const config = await deployable(stack, 'crashes', { FAKE_SERVE_MODE: 'crash' });
    await stack.sm.send(new CreateEndpointCommand({ EndpointName: 'crashy', EndpointConfigName: config }));
    const endpoint = await waitFor(
      () => stack.sm.send(new DescribeEndpointCommand({ EndpointName: 'crashy' })),
      settled,
    );
    expect(endpoint.EndpointStatus).toBe('Failed');
    expect(endpoint.FailureReason).toMatch(/did not pass the ping health check.*serve exited with code 2/);
    const listed = await stack.sm.send(new ListEndpointsCommand({ StatusEquals: 'Failed' }));
    expect(listed.Endpoints?.map((e) => e.EndpointName)).toEqual(['crashy']);
  });

  it('DeleteEndpoint stops the serve process and forgets the endpoint', async () => {
    const { pid } = await answer('x');
    await stack.sm.send(new DeleteEndpointCommand({ EndpointName: 'digits' }));
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(describeEndpoint()).rejects.toThrow('Could not find endpoint');
    await expect(invoke('x')).rejects.toBeInstanceOf(ValidationError);
  });
});
