import { request } from 'node:http';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { isInvocationResponse, MAX_BATCH, type InvocationResponse, type Logger } from '@digits/common';
import { initBackend } from '../../src/backend';
import { loadModel } from '../../src/model-files';
import { normaliseImage } from '@digits/normalise';
import { startServer, type RunningServer } from '../../src/serve';
import { postWhileWriting } from '@digits/test-kit';
import { mlRootWithModel, mnistDigits } from './tiny-model';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A 0..255 MNIST digit enlarged 4× to a dark-on-light image (what a user would upload). */
function uploadOf(digit: Uint8Array): { width: number; height: number; data: Buffer } {
  const side = 112;
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = 255 - digit[Math.floor(y / 4) * 28 + Math.floor(x / 4)]!;
      data.set([v, v, v, 255], (y * side + x) * 4);
    }
  }
  return { width: side, height: side, data };
}
function png(image: { width: number; height: number; data: Buffer }): Buffer {
  const p = new PNG({ width: image.width, height: image.height });
  p.data = image.data;
  return PNG.sync.write(p);
}

describe('serve', () => {
  let root: string;
  let server: RunningServer;
  let model: tf.LayersModel;
  let digits: Uint8Array[];
  let releaseLoad: () => void;

  const post = (body: string | Uint8Array, contentType?: string) =>
    fetch(`${server.url}/invocations`, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers: contentType ? { 'content-type': contentType } : {},
    });
  const flat = (d: Uint8Array) => Array.from(d);
  /** What the model itself says for these 0..1 images (the server must agree). */
  const expected = (images: Float32Array[]) => {
    const out = model.predict(
      tf.tensor(Float32Array.from(images.flatMap((i) => Array.from(i))), [images.length, 28, 28, 1]),
    ) as tf.Tensor;
    return out.arraySync() as number[][];
  };
  const expectPredictionsOf = (answer: InvocationResponse, images: Float32Array[]) => {
    const want = expected(images);
    expect(answer.predictions).toHaveLength(images.length);
    answer.predictions.forEach((p, i) => {
      p.probabilities.forEach((v, d) => expect(v).toBeCloseTo(want[i]![d]!, 5));
      expect(p.digit).toBe(want[i]!.indexOf(Math.max(...want[i]!)));
      expect(p.probability).toBe(p.probabilities[p.digit]);
    });
  };

  beforeAll(async () => {
    await initBackend();
    root = await mlRootWithModel();
    model = (await loadModel(join(root, 'model'))).model;
    digits = await mnistDigits(4);
    const gate = new Promise<void>((resolve) => (releaseLoad = resolve));
    server = await startServer({
      port: 0,
      mlRoot: root,
      logger: quiet,
      maxBodyBytes: 2 * 1024 * 1024,
      loadModel: async (dir) => {
        await gate;
        return loadModel(dir);
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('answers /ping 503 and refuses invocations while the model loads, 200 once loaded', async () => {
    const before = await fetch(`${server.url}/ping`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ error: { code: 'NOT_READY', message: 'the model is still loading' } });
    expect((await post(JSON.stringify({ instances: [flat(digits[0]!)] }), 'application/json')).status).toBe(503);

    releaseLoad();
    await server.ready;

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const after = await fetch(`${server.url}/ping`);
    expect(after.status).toBe(200);
  });

  it('answers application/json {"instances": [...]} with each digit, its probability and all ten', async () => {
    const res = await post(JSON.stringify({ instances: digits.map(flat) }), 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const answer = await res.json();
    expect(isInvocationResponse(answer)).toBe(true);
    expectPredictionsOf(
      answer,
      digits.map((d) => Float32Array.from(d, (v) => v / 255)),
    );
  });

  it('accepts a bare 28×28 nested image in 0..1', async () => {
    const image = Float32Array.from(digits[1]!, (v) => v / 255);
    const nested = Array.from({ length: 28 }, (_, r) => Array.from(image.subarray(r * 28, r * 28 + 28)));
    const res = await post(JSON.stringify(nested), 'application/json');
    expect(res.status).toBe(200);
    expectPredictionsOf(await res.json(), [image]);
  });

  it('answers text/csv with one prediction per row', async () => {
    const res = await post(`${digits.map((d) => flat(d).join(',')).join('\n')}\n`, 'text/csv');
    expect(res.status).toBe(200);
    expectPredictionsOf(
      await res.json(),
      digits.map((d) => Float32Array.from(d, (v) => v / 255)),
    );
  });

  it.each([
    ['image/png', () => png(uploadOf(digits[2]!))],
    ['application/x-image', () => png(uploadOf(digits[2]!))],
    ['image/jpeg', () => jpeg.encode(uploadOf(digits[2]!), 90).data],
    ['application/x-image', () => jpeg.encode(uploadOf(digits[2]!), 90).data],
  ])('answers %s with the prediction for the normalised image', async (type, bytes) => {
    const body = bytes();
    const res = await post(body, type);
    expect(res.status).toBe(200);
    expectPredictionsOf(await res.json(), [normaliseImage(body).pixels]);
  });

  it(`accepts a batch of MAX_BATCH (${MAX_BATCH}) and refuses one more with 413`, async () => {
    const full = await post(
      JSON.stringify({ instances: Array.from({ length: MAX_BATCH }, (_, i) => flat(digits[i % 4]!)) }),
      'application/json',
    );
    expect(full.status).toBe(200);
    expect((await full.json()).predictions).toHaveLength(MAX_BATCH);
    const csv = await post(
      Array.from({ length: MAX_BATCH + 1 }, () => flat(digits[0]!).join(',')).join('\n'),
      'text/csv',
    );
    expect(csv.status).toBe(413);
    expect((await csv.json()).error.code).toBe('TOO_LARGE');
  });

  const hugePng = () => {
    const header = png(uploadOf(new Uint8Array(784).fill(255))).subarray(0, 33);
    header.writeUInt32BE(50_000, 16);
    header.writeUInt32BE(50_000, 20);
    return header;
  };
  /** SOI and a progressive frame header (SOF2) declaring the size; no scans. */
  const progressiveJpegHeader = (width: number, height: number) =>
    Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xc2,
      0,
      11,
      8,
      height >> 8,
      height & 0xff,
      width >> 8,
      width & 0xff,
      1,
      1,
      0x11,
      0,
    ]);
  const badRequests: Array<[string, number, string, RegExp, () => Promise<Response>]> = [
    [
      'an unsupported Content-Type',
      415,
      'UNSUPPORTED_MEDIA',
      /text\/plain is not supported: send one of application\/json/,
      () => post('1,2,3', 'text/plain'),
    ],
    ['no Content-Type', 415, 'UNSUPPORTED_MEDIA', /Content-Type is missing/, () => post(Buffer.from('1,2,3'))],
    ['a GIF', 415, 'UNSUPPORTED_MEDIA', /GIF/, () => post(Buffer.from('GIF89a...'), 'image/png')],
    ['malformed JSON', 400, 'BAD_REQUEST', /malformed JSON/, () => post('{"instances": [[1, 2', 'application/json')],
    ['JSON of the wrong shape', 400, 'BAD_REQUEST', /"instances"/, () => post('{"data": 1}', 'application/json')],
    [
      'an image of the wrong length',
      400,
      'BAD_PIXELS',
      /instances\[0\] has 3 values, expected 784/,
      () => post(JSON.stringify({ instances: [[0, 1, 2]] }), 'application/json'),
    ],
    [
      'a non-number pixel',
      400,
      'BAD_PIXELS',
      /instances\[0\]\[783\] is a string/,
      () => post(JSON.stringify({ instances: [[...Array(783).fill(0), 'x']] }), 'application/json'),
    ],
    [
      'an out-of-range pixel',
      400,
      'BAD_PIXELS',
      /300 at index 783 is above 255/,
      () => post(JSON.stringify([...Array(783).fill(0), 300]), 'application/json'),
    ],
    [
      'NaN in CSV',
      400,
      'BAD_PIXELS',
      /column 784: "NaN" is not a number/,
      () => post(`${Array(783).fill(0).join(',')},NaN`, 'text/csv'),
    ],
    ['a CSV row of the wrong length', 400, 'BAD_PIXELS', /line 1 has 3 values/, () => post('1,2,3\n', 'text/csv')],
    ['an empty body', 400, 'EMPTY', /body is empty/, () => post('', 'application/json')],
    ['an empty image', 400, 'EMPTY', /empty/, () => post(new Uint8Array(0), 'image/png')],
    [
      'an undecodable image',
      400,
      'UNDECODABLE',
      /not a PNG or JPEG/,
      () => post(Buffer.from('definitely not a png'), 'application/x-image'),
    ],
    ['a blank image', 400, 'EMPTY', /no ink/, () => post(png(uploadOf(new Uint8Array(784))), 'image/png')],
    [
      'a body over the limit',
      413,
      'TOO_LARGE',
      /2097153 bytes exceeds the limit of 2097152 bytes/,
      () => post(Buffer.alloc(2 * 1024 * 1024 + 1, 0x20), 'text/csv'),
    ],
    ['an image declaring 50000×50000 pixels', 413, 'TOO_LARGE', /50000×50000/, () => post(hugePng(), 'image/png')],
    [
      'a progressive JPEG of 2000×2000 (over the decode budget, refused before decoding)',
      413,
      'TOO_LARGE',
      /need 1600 M units of decoding .*the limit is 600 M a request/,
      () => post(progressiveJpegHeader(2000, 2000), 'image/jpeg'),
    ],
    [
      'an unknown route',
      404,
      'NOT_FOUND',
      /no route POST \/predict/,
      () => fetch(`${server.url}/predict`, { method: 'POST' }),
    ],
    [
      'a GET on /invocations',
      405,
      'METHOD_NOT_ALLOWED',
      /GET is not allowed on \/invocations: use POST/,
      () => fetch(`${server.url}/invocations`),
    ],
  ];
  it.each(badRequests)('refuses %s: %i %s, a JSON error naming it', async (_name, status, code, message, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body).toEqual({ error: { code, message: expect.stringMatching(message) } });
  });

  it('still answers after every refusal', async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const res = await post(JSON.stringify({ instances: [flat(digits[3]!)] }), 'application/json');
    expect(res.status).toBe(200);
    expectPredictionsOf(await res.json(), [Float32Array.from(digits[3]!, (v) => v / 255)]);
  });

  it('refuses a chunked body (no Content-Length) once it grows over the limit', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/invocations`,
        { method: 'POST', headers: { 'content-type': 'text/csv' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          // Done when the request is written too: the server reads (and drops) the rest of it.
          res.on('end', () => req.once('close', () => resolve({ status: res.statusCode ?? 0, body })));
        },
      );
      req.on('error', reject);
      // Keep sending 64 KB chunks until the server answers (it stops storing past the limit).
      const chunk = Buffer.alloc(64 * 1024, 0x30);
      const pump = () => {
        if (req.destroyed || req.writableEnded) return;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      req.once('response', () => req.end());
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toMatch(/more than 2097152 bytes/);
  });
});

describe('serve with a model that cannot load', () => {
  it('keeps answering /ping 503 naming the reason, and ready rejects', async () => {
    const root = await mlRootWithModel();
    await rm(join(root, 'model', 'weights.bin'));
    const server = await startServer({ port: 0, mlRoot: root, logger: quiet });
    try {
      await expect(server.ready).rejects.toThrow(/weights.bin: missing/);
      const res = await fetch(`${server.url}/ping`);
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toMatch(/the model failed to load: .*weights.bin: missing/);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

// A refusal sent before the body is read must reach a client still writing that body: closing the
// socket on unread data resets it, and the client saw EPIPE and no status (found by bench:fuzz on
// the local HTTP API; serve had the same `Connection: close`).
describe('serve: answers sent before the body is read', () => {
  let early: RunningServer;
  beforeAll(async () => {
    early = await startServer({
      port: 0,
      logger: quiet,
      maxBodyBytes: 1024 * 1024,
      initBackend: async () => 'test',
      loadModel: () => new Promise(() => undefined), // never loads: these answers come first
    });
  });
  afterAll(() => early.close());

  it.each([
    ['413 for a body over the limit', 'image/png', 6 * 1024 * 1024, /^HTTP\/1\.1 413 /],
    ['415 for a Content-Type it does not take', 'text/plain', 4 * 1024 * 1024, /^HTTP\/1\.1 415 /],
  ])('%s reaches a client still writing the body', async (_, contentType, bodyBytes, status) => {
    const { response, writeError, wrote } = await postWhileWriting(`${early.url}/invocations`, {
      contentType,
      bodyBytes,
    });
    expect(writeError).toBeUndefined();
    expect(wrote).toBe(bodyBytes);
    expect(response).toMatch(status);
  });
});
