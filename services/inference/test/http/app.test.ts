import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { PNG } from 'pngjs';
import { normaliseImage } from '@digits/normalise';
import { httpEvent, mnistTestSamples, pngOf, postImage, postJson } from '@digits/test-kit';
import { testApi } from '../mocked-api';
import { POINTER, RECORD, noSuchKey, objectBody } from '../registry-records';

const runtime = mockClient(SageMakerRuntimeClient);
const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const meta = { $metadata: {} };

const probabilities = (digit: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? 0.91 : 0.01));
/** The endpoint answers "7" for every instance it is sent. */
function endpointAnswersSeven() {
  runtime.on(InvokeEndpointCommand).callsFake((input: { Body: string }) => {
    const { instances } = JSON.parse(input.Body) as { instances: number[][] };
    const predictions = instances.map(() => ({ digit: 7, probability: 0.91, probabilities: probabilities(7) }));
    return { Body: new TextEncoder().encode(JSON.stringify({ predictions })), $metadata: {} };
  });
}
function registryHasLiveModel() {
  s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
  s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(objectBody(RECORD));
}
const sentInstances = (call = 0) =>
  (
    JSON.parse(runtime.commandCalls(InvokeEndpointCommand)[call]!.args[0].input.Body as string) as {
      instances: number[][];
    }
  ).instances;

let png: Buffer;
beforeAll(async () => {
  const [seven] = await mnistTestSamples(1); // the first MNIST test digit is a 7
  png = pngOf(seven!.pixels);
});
beforeEach(() => {
  runtime.reset();
  sagemaker.reset();
  s3.reset();
});

describe('POST /predict', () => {
  it('normalises the image, invokes the endpoint with it, and answers digit, confidence, probabilities and model', async () => {
    endpointAnswersSeven();
    registryHasLiveModel();
    const res = await testApi().call(postImage(png, 'image/png'));

    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      digit: 7,
      confidence: 0.91,
      probabilities: probabilities(7),
      model: {
        version: POINTER.trainingJobName,
        trainedAt: RECORD.trainedAt,
        testAccuracy: 0.9912,
        dataset: 'mnist',
        datasetVersion: 'v-abc123',
        deployedAt: POINTER.deployedAt,
      },
    });
    const expected = normaliseImage(png).pixels;
    const [sent] = sentInstances();
    expect(sent).toHaveLength(784);
    sent!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    // The endpoint is invoked directly: no control-plane call on the way to a prediction.
    expect(sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
  });

  it('says how long it took: X-Latency-Ms and Server-Timing per stage', async () => {
    endpointAnswersSeven();
    registryHasLiveModel();
    const res = await testApi().call(postImage(png, 'image/png'));
    expect(Number(res.headers['X-Latency-Ms'])).toBeGreaterThan(0);
    expect(res.headers['Server-Timing']).toMatch(
      /^parse;dur=[\d.]+, normalise;dur=[\d.]+, invoke;dur=[\d.]+, total;dur=[\d.]+$/,
    );
    expect(res.headers['Server-Timing']).toContain(`total;dur=${res.headers['X-Latency-Ms']}`);
  });

  it('answers a batch as {"predictions": [...]} with one endpoint call for all of it', async () => {
    endpointAnswersSeven();
    registryHasLiveModel();
    const pixels = Array(784)
      .fill(0)
      .map((_, i) => (i % 28 > 10 && i % 28 < 16 ? 255 : 0));
    const res = await testApi().call(postJson({ instances: [png.toString('base64'), pixels, { pixels }] }));
    expect(res.statusCode).toBe(200);
    expect(res.json.predictions).toHaveLength(3);
    expect(res.json.predictions[0]).toEqual({ digit: 7, confidence: 0.91, probabilities: probabilities(7) });
    expect(res.json.model.version).toBe(POINTER.trainingJobName);
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
    expect(sentInstances()).toHaveLength(3);
    expect(sentInstances()[1]![12]).toBe(1); // 0..255 pixels scaled to 0..1
  });

  it('with ?debug=1 also answers with the 28×28 input the model saw, as a PNG data URL', async () => {
    endpointAnswersSeven();
    registryHasLiveModel();
    const res = await testApi().call(postImage(png, 'image/png', { debug: '1' }));
    expect(res.json.input.source).toEqual({ width: 112, height: 112, inverted: true });
    const [, b64] = (res.json.input.png as string).split('data:image/png;base64,');
    const decoded = PNG.sync.read(Buffer.from(b64!, 'base64'));
    expect([decoded.width, decoded.height]).toEqual([28, 28]);
    const sent = sentInstances()[0]!;
    for (let i = 0; i < 784; i++)
      expect(Math.abs(decoded.data[i * 4]! - Math.round(sent[i]! * 255))).toBeLessThanOrEqual(1);
  });

  it('still predicts when the registry cannot be read, with "model": null', async () => {
    endpointAnswersSeven();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const api = testApi();
    const res = await api.call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ digit: 7, model: null });
    expect(api.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'live model record unavailable' }),
    );
  });

  it('reads the registry once per few seconds, not on every request', async () => {
    endpointAnswersSeven();
    registryHasLiveModel();
    const api = testApi();
    await api.call(postImage(png, 'image/png'));
    await api.call(postImage(png, 'image/png'));
    expect(s3.commandCalls(GetObjectCommand, { Key: 'registry/live.json' })).toHaveLength(1);
  });

  it('refuses bad input before asking the endpoint anything', async () => {
    const res = await testApi().call(postImage(Buffer.from('GIF89a......'), 'image/png'));
    expect(res.statusCode).toBe(415);
    expect(res.json).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA', message: 'GIF images are not supported: send a PNG or JPEG' },
    });
    expect(runtime.calls()).toHaveLength(0);
  });
});

describe('POST /predict when the endpoint cannot answer', () => {
  const notFound = () =>
    new ValidationError({ message: 'Endpoint digits-test of account 123456789012 not found.', ...meta });

  it('503 with Retry-After when no endpoint is deployed', async () => {
    runtime.on(InvokeEndpointCommand).rejects(notFound());
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(Object.assign(new Error('Could not find endpoint "digits-test".'), { name: 'ValidationException' }));
    const res = await testApi().call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('60');
    expect(res.json).toEqual({
      error: { code: 'ENDPOINT_UNAVAILABLE', message: 'no model endpoint "digits-test" is deployed yet' },
    });
  });

  it('503 saying the endpoint is still being created, with a shorter Retry-After', async () => {
    runtime.on(InvokeEndpointCommand).rejects(notFound());
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Creating' });
    const res = await testApi().call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('30');
    expect(res.json.error.message).toBe('the model endpoint "digits-test" is Creating: it will serve when InService');
  });

  it('503 for a Failed endpoint, and the invoke error itself when DescribeEndpoint cannot be read', async () => {
    runtime.on(InvokeEndpointCommand).rejects(notFound());
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointStatus: 'Failed' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const api = testApi();
    const failed = await api.call(postImage(png, 'image/png'));
    expect(failed.json.error.message).toBe('the model endpoint "digits-test" is Failed');
    const unknown = await api.call(postImage(png, 'image/png'));
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json.error.message).toBe('no model endpoint "digits-test" is deployed yet');
  });

  it('502 when the model container fails, without its message', async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      new ModelError({
        message: 'Received server error (500) from primary with message "secret internals"',
        OriginalStatusCode: 500,
        ...meta,
      }),
    );
    const res = await testApi().call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(502);
    expect(res.json).toEqual({ error: { code: 'MODEL_ERROR', message: 'the model server failed to answer (500)' } });
  });

  it('500 for an unexpected failure: generic message with the request id, stack only in the logs', async () => {
    runtime.on(InvokeEndpointCommand).rejects(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    const api = testApi();
    const res = await api.call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'internal error; the logs hold the details under this request id (request id req-1)',
      },
    });
    expect(res.body).not.toMatch(/secret|TypeError|at .*\.ts/);
    const logged = api.logs.find((l) => l.level === 'error')!;
    expect(logged).toMatchObject({ requestId: 'req-1', status: 500, error: { name: 'TypeError' } });
    expect(logged.stack).toMatch(/TypeError/);
  });
});

describe('GET /health', () => {
  it.each([
    ['InService', true],
    ['Updating', true],
    ['Creating', false],
  ])('is 200 with the endpoint %s (ready %s)', async (status, ready) => {
    sagemaker
      .on(DescribeEndpointCommand, { EndpointName: 'digits-test' })
      .resolves({ EndpointStatus: status as never });
    const res = await testApi().call(httpEvent({ path: '/health' }));
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ status: 'ok', ready, endpoint: { name: 'digits-test', status } });
  });

  it('is 200 when no endpoint exists, and when its status cannot be read (fresh containers: no cache)', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(Object.assign(new Error('Could not find endpoint "digits-test".'), { name: 'ValidationException' }))
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    expect((await testApi().call(httpEvent({ path: '/health' }))).json).toEqual({
      status: 'ok',
      ready: false,
      endpoint: { name: 'digits-test', status: 'NotFound' },
    });
    const unknown = await testApi().call(httpEvent({ path: '/health' }));
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json.endpoint).toEqual({
      name: 'digits-test',
      status: 'Unknown',
      failure: 'STATUS_UNREADABLE',
    });
  });
});

describe('GET /model', () => {
  it("answers the live model's registry record", async () => {
    registryHasLiveModel();
    const res = await testApi().call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({
      version: POINTER.trainingJobName,
      trainingJobName: POINTER.trainingJobName,
      testAccuracy: 0.9912,
      trainedAt: RECORD.trainedAt,
      datasetVersion: 'v-abc123',
      endpointName: 'digits-test',
      modelName: POINTER.modelName,
      metrics: RECORD.metrics,
      gate: RECORD.gate,
      evaluation: null,
      reference: null,
      robustness: null,
      hyperparameters: null,
      history: [],
    });
  });

  it("carries the model's per-class test report when its record has one", async () => {
    const confusionMatrix = Array.from({ length: 10 }, (_, a) =>
      Array.from({ length: 10 }, (_, p): number => (a === p ? 98 : a === 4 && p === 9 ? 2 : 0)),
    );
    const evaluation = {
      testRows: 1002,
      perClassAccuracy: confusionMatrix.map((row, d) => row[d]! / row.reduce((x, y) => x + y)),
      confusionMatrix,
    };
    s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
    s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(
      objectBody({ ...RECORD, evaluation }),
    );
    const res = await testApi().call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.evaluation).toEqual(evaluation);
  });

  it("carries the model's robustness scores when its record has them", async () => {
    const robustness = {
      suite: 'digits-c-1',
      source: 'test',
      images: 100,
      clean: 0.95,
      corruptions: { rotate: 0.9, noise: 0.7 },
      mean: 0.8,
    };
    s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
    s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(
      objectBody({ ...RECORD, robustness }),
    );
    const res = await testApi().call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.robustness).toEqual(robustness);
  });

  it('carries what the model was trained with when its record has it', async () => {
    const hyperparameters = { epochs: 15, ensemble: 3, augment_rotation: 10, seed: 42 };
    s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
    s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(
      objectBody({ ...RECORD, hyperparameters }),
    );
    const res = await testApi().call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.hyperparameters).toEqual(hyperparameters);
  });

  it('503 with Retry-After before any model is deployed', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    const res = await testApi().call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('60');
    expect(res.json.error.code).toBe('NO_LIVE_MODEL');
  });
});

describe('routing and CORS', () => {
  it('404 names the routes; 405 names the allowed method', async () => {
    const api = testApi();
    const missing = await api.call(httpEvent({ path: '/nope' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.json.error.message).toMatch(
      /^no route GET \/nope: the API has POST \/predict, GET \/health, GET \/model\b/,
    );
    const wrong = await api.call(httpEvent({ path: '/predict' }));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.Allow).toBe('POST');
  });

  it('adds CORS headers to answers and errors, exposing the latency headers', async () => {
    const res = await testApi().call(
      httpEvent({ method: 'POST', path: '/predict', headers: { origin: 'https://digits.example' } }),
    );
    expect(res.statusCode).toBe(415);
    expect(res.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'X-Latency-Ms, Server-Timing, Retry-After',
    });
    expect(res.headers['X-Latency-Ms']).toBeDefined();
  });

  it('answers a preflight that reaches the function', async () => {
    const res = await testApi().call(
      httpEvent({
        method: 'OPTIONS',
        path: '/predict',
        headers: { Origin: 'https://digits.example', 'Access-Control-Request-Method': 'POST' },
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET,POST,OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type',
    });
  });

  it('with a configured origin list, allows only those origins', async () => {
    const api = testApi({ corsOrigins: ['https://digits.example'] });
    const allowed = await api.call(httpEvent({ path: '/nope', headers: { origin: 'https://digits.example' } }));
    expect(allowed.headers['Access-Control-Allow-Origin']).toBe('https://digits.example');
    const other = await api.call(httpEvent({ path: '/nope', headers: { origin: 'https://evil.example' } }));
    expect(other.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
