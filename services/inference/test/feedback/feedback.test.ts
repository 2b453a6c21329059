import {
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { correctionId, encodeCapturedInput, parseCorrection, pendingCorrectionKey } from '@digits/common';
import { normaliseImage } from '@digits/normalise';
import { mnistTestSamples, pngOf } from '@digits/test-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_REQUEST_BODY_BYTES } from '../../src/predict/body';
import { testApi } from '../mocked-api';
import { postFeedbackEvent as post } from '../support/feedback-events';

const s3 = mockClient(S3Client);
const FEEDBACK = { inboxBucket: 'inbox', minCorrections: 100, schedule: 'rate(1 day)' };
const api = () => testApi({ feedback: FEEDBACK });

let png: Buffer;
beforeAll(async () => {
  png = pngOf((await mnistTestSamples(1))[0]!.pixels);
});
/** The inbox as S3 would hold it: create-only writes, a listing of what is pending. */
let stored: Map<string, string>;
beforeEach(() => {
  s3.reset();
  stored = new Map();
  s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string; IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === '*' && stored.has(input.Key))
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      });
    stored.set(input.Key, input.Body);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake(() => ({ Contents: [...stored.keys()].map((Key) => ({ Key })) }));
});

describe('POST /feedback', () => {
  it('stores the normalised 28×28, the label, the prediction and model, and answers 202 {id, pending}', async () => {
    const res = await api().call(post(png, 'image/png', { label: '7', predicted: '1', model: 'digits-test-1' }));

    expect(res.statusCode).toBe(202);
    const input = encodeCapturedInput(normaliseImage(png).pixels);
    const id = correctionId(input, 7);
    expect(res.json).toEqual({ id, pending: 1 });
    const record = parseCorrection(stored.get(pendingCorrectionKey(id))!, 'stored');
    expect(record).toEqual({
      schemaVersion: 1,
      id,
      label: 7,
      input,
      predicted: 1,
      model: 'digits-test-1',
      receivedAt: expect.any(String),
    });
    // Only what the contract holds: no upload bytes, no address.
    expect(Object.keys(JSON.parse(stored.get(pendingCorrectionKey(id))!)).sort()).toEqual(
      ['id', 'input', 'label', 'model', 'predicted', 'receivedAt', 'schemaVersion'].sort(),
    );
  });

  it('takes the same image and label twice as one correction (same id, one object, still 202)', async () => {
    const first = await api().call(post(png, 'image/png', { label: '7' }));
    const again = await api().call(
      post(JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, label: 7 }), 'application/json'),
    );
    expect(again.statusCode).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(stored.size).toBe(1);
    // Another label for the same image is another correction.
    const other = await api().call(post(png, 'image/png', { label: '1' }));
    expect(other.json.id).not.toBe(first.json.id);
    expect(other.json.pending).toBe(2);
  });

  it.each([
    ['no label', () => post(png, 'image/png'), 400, 'BAD_LABEL'],
    ['label 11', () => post(png, 'image/png', { label: '11' }), 400, 'BAD_LABEL'],
    ["label '7.5'", () => post(png, 'image/png', { label: '7.5' }), 400, 'BAD_LABEL'],
    [
      'a negative label',
      () => post(JSON.stringify({ image: 'AAAA', label: -1 }), 'application/json'),
      400,
      'BAD_LABEL',
    ],
    [
      'two images',
      () => post(JSON.stringify({ instances: ['AAAA', 'AAAA'], label: 1 }), 'application/json'),
      400,
      'BAD_REQUEST',
    ],
    ['no image', () => post(JSON.stringify({ label: 1 }), 'application/json'), 400, 'BAD_REQUEST'],
    ['bad base64', () => post(JSON.stringify({ image: '%%%', label: 1 }), 'application/json'), 400, 'UNDECODABLE'],
    ['bytes that are no image', () => post(Buffer.from('hello'), 'image/png', { label: '1' }), 400, 'UNDECODABLE'],
    [
      'an oversized body',
      () => post(Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1), 'image/png', { label: '1' }),
      413,
      'TOO_LARGE',
    ],
    ['a wrong content type', () => post('7', 'text/plain', { label: '1' }), 415, 'UNSUPPORTED_MEDIA'],
  ])('refuses %s with its status and code, and stores nothing', async (_what, event, status, code) => {
    const res = await api().call(event());
    expect(res.statusCode).toBe(status);
    expect(res.json.error).toEqual({ code, message: expect.any(String) });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('answers the correction even if the pending ones cannot be counted just then (pending: null)', async () => {
    s3.on(ListObjectsV2Command).rejects(new Error('SlowDown'));
    const res = await api().call(post(png, 'image/png', { label: '7' }));
    expect(res.statusCode).toBe(202);
    expect(res.json.pending).toBeNull();
  });

  it('503 on a stage that collects no corrections', async () => {
    const res = await testApi().call(post(png, 'image/png', { label: '7' }));
    expect(res.statusCode).toBe(503);
    expect(res.json.error.code).toBe('FEEDBACK_OFF');
  });
});
