import {
  InvokeEndpointCommand,
  ModelError,
  ModelNotReadyException,
  SageMakerRuntimeClient,
  ServiceUnavailable,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { HttpError } from '../../src/http/errors';
import { invokeEndpoint } from '../../src/endpoint/runtime';

const runtime = mockClient(SageMakerRuntimeClient);
const client = new SageMakerRuntimeClient({ region: 'us-east-1' });
const probabilities = [0.01, 0.01, 0.01, 0.9, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01];
const answer = (n: number) =>
  new TextEncoder().encode(
    JSON.stringify({ predictions: Array(n).fill({ digit: 3, probability: 0.9, probabilities }) }),
  );
const meta = { $metadata: {} };

function image(value: number): Float32Array {
  return new Float32Array(784).fill(value);
}

beforeEach(() => runtime.reset());

describe('invokeEndpoint', () => {
  it('sends {"instances": [[784]]} as JSON to the named endpoint and returns its predictions', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: answer(2) as never, $metadata: {} });
    const predictions = await invokeEndpoint(client, 'digits-test', [image(1 / 3), image(0)]);
    expect(predictions).toEqual([
      { digit: 3, probability: 0.9, probabilities },
      { digit: 3, probability: 0.9, probabilities },
    ]);
    const input = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      EndpointName: 'digits-test',
      ContentType: 'application/json',
      Accept: 'application/json',
    });
    const sent = JSON.parse(input.Body as string) as { instances: number[][] };
    expect(sent.instances).toHaveLength(2);
    expect(sent.instances[0]).toHaveLength(784);
    expect(sent.instances[0]![0]).toBe(0.333333); // float32 noise rounded off: a smaller request
    expect(sent.instances[1]!.every((v) => v === 0)).toBe(true);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('<html>')],
    ['the wrong number of predictions', answer(2)],
    [
      'predictions without 10 probabilities',
      new TextEncoder().encode('{"predictions": [{"digit": 1, "probability": 1, "probabilities": [1]}]}'),
    ],
  ])('answers 502 BAD_MODEL_RESPONSE when the model server answers %s', async (_what, body) => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: body as never, $metadata: {} });
    await expect(invokeEndpoint(client, 'digits-test', [image(0)])).rejects.toMatchObject({
      status: 502,
      code: 'BAD_MODEL_RESPONSE',
    });
  });

  it.each([
    [
      'a missing endpoint',
      new ValidationError({ message: 'Endpoint digits-test of account 123456789012 not found.', ...meta }),
      { status: 503, code: 'ENDPOINT_UNAVAILABLE', headers: { 'Retry-After': '60' } },
    ],
    [
      'a model still loading',
      new ModelNotReadyException({ message: 'not ready', ...meta }),
      { status: 503, code: 'ENDPOINT_UNAVAILABLE', headers: { 'Retry-After': '30' } },
    ],
    [
      'an overloaded endpoint',
      new ServiceUnavailable({ message: 'busy', ...meta }),
      { status: 503, code: 'ENDPOINT_BUSY', headers: { 'Retry-After': '2' } },
    ],
    [
      'a model container failing',
      new ModelError({ message: 'Received server error (500) from primary', OriginalStatusCode: 500, ...meta }),
      { status: 502, code: 'MODEL_ERROR', message: 'the model server failed to answer (500)' },
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }),
      { status: 503, code: 'ENDPOINT_UNAVAILABLE' },
    ],
  ])('maps %s to an API error', async (_what, error, expected) => {
    runtime.on(InvokeEndpointCommand).rejects(error);
    const e = await invokeEndpoint(client, 'digits-test', [image(0)]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject(expected);
  });

  it('lets other failures through unchanged (the error handler makes them a logged 500)', async () => {
    const validation = new ValidationError({ message: 'Request payload too large', ...meta });
    runtime.on(InvokeEndpointCommand).rejects(validation);
    await expect(invokeEndpoint(client, 'digits-test', [image(0)])).rejects.toBe(validation);
  });
});
