/**
 * What an answered /predict records: metrics (predictions by digit, confidences, endpoint and
 * handler latency) and, when sampled, a capture in the monitoring bucket that holds what the model
 * saw and answered — never the upload or the caller's address.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { captureKeyTime, decodeCapturedInput, parseCaptureRecord } from '@digits/common';
import { recordingMetrics } from '@digits/lambda-kit/testing';
import { normaliseImage } from '@digits/normalise';
import { mnistTestSamples, pngOf, postImage, postJson } from '@digits/test-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { testApi } from '../mocked-api';
import { POINTER, objectBody, RECORD } from '../registry-records';

const runtime = mockClient(SageMakerRuntimeClient);
const s3 = mockClient(S3Client);
const probabilities = (digit: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? 0.91 : 0.01));

let png: Buffer;
beforeAll(async () => {
  const [seven] = await mnistTestSamples(1);
  png = pngOf(seven!.pixels);
});
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
    const api = testApi({ monitoring: { bucket: 'digits-test-monitoring', captureRate: 1 } }, undefined, metrics);
    const before = Date.now();
    const res = await api.call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(200);

    const [put] = s3.commandCalls(PutObjectCommand);
    const { Bucket, Key, Body } = put!.args[0].input;
    expect(Bucket).toBe('digits-test-monitoring');
    expect(captureKeyTime(Key!)!.getTime()).toBeGreaterThanOrEqual(before - 1);
    const record = parseCaptureRecord(Body as string, Key!);
    expect(record).toEqual({
      schemaVersion: 1,
      capturedAt: expect.any(String),
      model: POINTER.trainingJobName,
      instances: [{ input: expect.any(String), digit: 7, confidence: 0.91, probabilities: probabilities(7) }],
    });
    const seen = normaliseImage(png).pixels;
    const stored = decodeCapturedInput(record.instances[0]!.input);
    expect(Math.max(...stored.map((v, i) => Math.abs(v - seen[i]!)))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(Body as string).not.toContain(png.toString('base64').slice(0, 40));
    expect(Body as string).not.toMatch(/sourceIp|127\.0\.0\.1/);
    expect(recorded).toContainEqual({ kind: 'count', name: 'CapturedRequests', value: 1 });
  });

  it('rate 0 captures nothing; a failed capture is counted and the answer still given', async () => {
    await testApi({ monitoring: { bucket: 'm', captureRate: 0 } }).call(postImage(png, 'image/png'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const { metrics, recorded } = recordingMetrics();
    const api = testApi({ monitoring: { bucket: 'm', captureRate: 1 } }, undefined, metrics);
    const res = await api.call(postImage(png, 'image/png'));
    expect(res.statusCode).toBe(200);
    expect(recorded).toContainEqual({ kind: 'count', name: 'CaptureFailures', value: 1 });
    expect(api.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'capture not written' }));
  });
});
