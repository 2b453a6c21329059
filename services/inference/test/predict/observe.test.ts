/**
 * What an answered /predict records: metrics (predictions by digit, confidences, endpoint and
 * handler latency) and, when sampled, a capture record that holds what the model saw and answered —
 * never the upload or the caller's address — buffered and written as one object of many records.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { captureKeyTime, decodeCapturedInput, parseCaptureObject } from '@digits/common';
import { recordingMetrics } from '@digits/lambda-kit/testing';
import { normaliseImage } from '@digits/normalise';
import { mnistTestSamples, pngOf, postImage, postJson } from '@digits/test-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { testApi } from '../mocked-api';
import { POINTER, objectBody, RECORD } from '../registry-records';
import type { MonitoringSettings } from '../../src/config';

const runtime = mockClient(SageMakerRuntimeClient);
const s3 = mockClient(S3Client);
const monitoring = (settings: Partial<MonitoringSettings> = {}) => ({
  monitoring: {
    bucket: 'digits-test-monitoring',
    captureRate: 1,
    captureBatch: 25,
    captureFlushSeconds: 60,
    ...settings,
  },
});
/** The records of each capture object written, in order. */
const written = () =>
  s3
    .commandCalls(PutObjectCommand)
    .map((c) => parseCaptureObject(c.args[0].input.Body as string, c.args[0].input.Key!));
const probabilities = (digit: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? 0.91 : 0.01));

let png: Buffer;
beforeAll(async () => {
  const [seven] = await mnistTestSamples(1);
  png = pngOf(seven!.pixels);
});
afterEach(() => jest.restoreAllMocks());
beforeEach(() => {
  runtime.reset();
  s3.reset();
  runtime.on(InvokeEndpointCommand).callsFake((input: { Body: string }) => {
    const { instances } = JSON.parse(input.Body) as { instances: number[][] };
    const predictions = instances.map((_, i) => {
      const digit = i === 0 ? 7 : 3;
      return { digit, probability: 0.91, probabilities: probabilities(digit) };
    });
    return { Body: new TextEncoder().encode(JSON.stringify({ predictions })), $metadata: {} };
  });
  s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
  s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(objectBody(RECORD));
  s3.on(PutObjectCommand).resolves({});
});

describe('POST /predict records', () => {
  it('predictions by digit, each confidence, endpoint and handler latency', async () => {
    const { metrics, recorded } = recordingMetrics();
    const res = await testApi({}, undefined, metrics).call(
      postJson({ instances: [png.toString('base64'), png.toString('base64'), png.toString('base64')] }),
    );
    expect(res.statusCode).toBe(200);

    expect(recorded.filter((r) => r.name === 'Predictions')).toEqual([
      { kind: 'count', name: 'Predictions', value: 1, dimensions: { digit: '7' } },
      { kind: 'count', name: 'Predictions', value: 2, dimensions: { digit: '3' } },
    ]);
    expect(recorded.filter((r) => r.name === 'Confidence').map((r) => r.value)).toEqual([0.91, 0.91, 0.91]);
    expect(recorded.map((r) => r.name)).toEqual(expect.arrayContaining(['EndpointLatency', 'PredictLatency']));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0); // no monitoring bucket: nothing captured
  });

  it('a sampled request is captured: normalised input, answer, model version and time; no upload, no address', async () => {
    const { metrics, recorded } = recordingMetrics();
    const api = testApi(monitoring({ captureBatch: 1 }), undefined, metrics);
    const before = Date.now();
    const res = await api.call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(200);

    const [put] = s3.commandCalls(PutObjectCommand);
    const { Bucket, Key, Body } = put!.args[0].input;
    expect(Bucket).toBe('digits-test-monitoring');
    expect(captureKeyTime(Key!)!.getTime()).toBeGreaterThanOrEqual(before - 1);
    const [record, ...more] = parseCaptureObject(Body as string, Key!);
    expect(more).toEqual([]);
    expect(record).toEqual({
      capturedAt: expect.any(String),
      model: POINTER.trainingJobName,
      instances: [{ input: expect.any(String), digit: 7, confidence: 0.91, probabilities: probabilities(7) }],
    });
    const seen = normaliseImage(png).pixels;
    const stored = decodeCapturedInput(record!.instances[0]!.input);
    expect(Math.max(...stored.map((v, i) => Math.abs(v - seen[i]!)))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(Body as string).not.toContain(png.toString('base64').slice(0, 40));
    expect(Body as string).not.toMatch(/sourceIp|127\.0\.0\.1/);
    expect(recorded).toContainEqual({ kind: 'count', name: 'CapturedRequests', value: 1 });
  });

  it('rate 0 captures nothing', async () => {
    await testApi(monitoring({ captureRate: 0, captureBatch: 1 })).call(postImage(png, 'image/png'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('captured records are buffered in the function instance', () => {
  const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-01T18:00:00.000Z') + ms);

  it('a sampled request not at a flush boundary does not wait for S3: its record is held', async () => {
    const { metrics, recorded } = recordingMetrics();
    const res = await testApi(monitoring(), undefined, metrics).call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(200);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(recorded.map((r) => r.name)).not.toContain('CapturedRequests');
  });

  it('the request that fills the batch writes it as one object, named by its oldest record', async () => {
    const { metrics, recorded } = recordingMetrics();
    const api = testApi(monitoring({ captureBatch: 3 }), undefined, metrics);
    for (const ms of [0, 1000]) {
      at(ms);
      await api.call(postImage(png, 'image/png'));
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    at(2000);
    await api.call(postImage(png, 'image/png'));

    expect(written().map((records) => records.map((r) => r.capturedAt))).toEqual([
      ['2026-12-01T18:00:00.000Z', '2026-12-01T18:00:01.000Z', '2026-12-01T18:00:02.000Z'],
    ]);
    expect(captureKeyTime(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Key!)).toEqual(
      new Date('2026-12-01T18:00:00.000Z'),
    );
    expect(recorded).toContainEqual({ kind: 'count', name: 'CapturedRequests', value: 3 });
  });

  it('the first request after the oldest record is older than the flush age writes what is held first', async () => {
    const { metrics, recorded } = recordingMetrics();
    const api = testApi(monitoring({ captureBatch: 25, captureFlushSeconds: 60 }), undefined, metrics);
    at(0);
    await api.call(postImage(png, 'image/png'));
    at(30_000);
    await api.call(postImage(png, 'image/png'));
    at(60_000); // not older than 60 s yet
    await api.call(postImage(png, 'image/png'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

    at(60_001);
    await api.call(postImage(png, 'image/png'));
    // The three held records went out; this request's record starts the next batch.
    expect(written().map((records) => records.map((r) => r.capturedAt))).toEqual([
      ['2026-12-01T18:00:00.000Z', '2026-12-01T18:00:30.000Z', '2026-12-01T18:01:00.000Z'],
    ]);
    expect(recorded).toContainEqual({ kind: 'count', name: 'CapturedRequests', value: 3 });
  });

  it('a failed write is counted per record and logged, the answer still given; no record is written twice', async () => {
    const { metrics, recorded } = recordingMetrics();
    const api = testApi(monitoring({ captureBatch: 2 }), undefined, metrics);
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    for (const ms of [0, 1000]) {
      at(ms);
      const res = await api.call(postImage(png, 'image/png'));
      expect(res.statusCode).toBe(200);
    }
    expect(recorded).toContainEqual({ kind: 'count', name: 'CaptureFailures', value: 2 });
    expect(api.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'capture not written', records: 2 }),
    );

    s3.on(PutObjectCommand).resolves({});
    for (const ms of [2000, 3000, 4000, 5000]) {
      at(ms);
      await api.call(postImage(png, 'image/png'));
    }
    const times = written().map((records) => records.map((r) => r.capturedAt.slice(17, 19)));
    // The failed batch is dropped (a sample, not an audit log), never retried into a later object.
    expect(times).toEqual([
      ['00', '01'],
      ['02', '03'],
      ['04', '05'],
    ]);
    expect(recorded.filter((r) => r.name === 'CapturedRequests').map((r) => r.value)).toEqual([2, 2]);
  });
});
