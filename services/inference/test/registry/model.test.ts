import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { httpEvent } from '@digits/test-kit';
import { mockClient } from 'aws-sdk-client-mock';
import { testApi } from '../mocked-api';
import { POINTER, RECORD, objectBody } from '../registry-records';

const s3 = mockClient(S3Client);
const FEEDBACK = { inboxBucket: 'inbox', minCorrections: 100, schedule: 'rate(1 day)' };
const feedbackScores = {
  initModel: 'digits-test-0',
  corrections: 40,
  heldOut: 10,
  heldOutAccuracy: 0.9,
  initHeldOutAccuracy: 0.5,
  replayRows: 6000,
};
const OLDER = { ...RECORD, trainingJobName: 'digits-test-0', recordedAt: '2025-12-31T00:00:00.000Z' };

beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(objectBody(POINTER));
  s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(
    objectBody({ ...RECORD, feedback: feedbackScores }),
  );
  s3.on(GetObjectCommand, { Key: 'registry/models/digits-test-0.json' }).resolves(objectBody(OLDER));
  s3.on(ListObjectsV2Command, { Bucket: 'artifacts' }).resolves({
    Contents: [
      { Key: 'registry/models/digits-test-0.json', LastModified: new Date('2025-12-31') },
      { Key: `registry/models/${POINTER.trainingJobName}.json`, LastModified: new Date('2026-01-01') },
    ],
  });
  s3.on(ListObjectsV2Command, { Bucket: 'inbox' }).resolves({
    Contents: [
      { Key: `corrections/pending/${'a'.repeat(32)}.json` },
      { Key: `corrections/pending/${'b'.repeat(32)}.json` },
    ],
  });
});

describe('GET /model: corrections and history', () => {
  it('says how many corrections wait, when the next training starts and how many the live model learned from', async () => {
    const res = await testApi({ feedback: FEEDBACK }).call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.feedback).toEqual({ pending: 2, minCorrections: 100, schedule: 'rate(1 day)', learnedFrom: 50 });
  });

  it('lists the newest model records, newest first, with their data, scores and gate decision', async () => {
    const res = await testApi({ feedback: FEEDBACK }).call(httpEvent({ path: '/model' }));
    expect(res.json.history).toEqual([
      expect.objectContaining({
        trainingJobName: POINTER.trainingJobName,
        feedback: feedbackScores,
        gate: { deploy: true, reason: 'first model' },
      }),
      expect.objectContaining({ trainingJobName: 'digits-test-0', feedback: null, testAccuracy: 0.9912 }),
    ]);
    expect(res.json.deployments).toEqual([]);
  });

  it('still answers when the inbox or the registry listing cannot be read (pending null, history empty)', async () => {
    s3.on(ListObjectsV2Command).rejects(new Error('AccessDenied'));
    const api = testApi({ feedback: FEEDBACK });
    const res = await api.call(httpEvent({ path: '/model' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.feedback.pending).toBeNull();
    expect(res.json.history).toEqual([]);
    expect(api.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(
      expect.arrayContaining(['could not count the pending corrections', 'model history unavailable']),
    );
  });

  it('has no feedback status on a stage that collects no corrections, and 0 learned for a model trained without', async () => {
    expect((await testApi().call(httpEvent({ path: '/model' }))).json.feedback).toBeNull();
    s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(objectBody(RECORD));
    expect((await testApi({ feedback: FEEDBACK }).call(httpEvent({ path: '/model' }))).json.feedback.learnedFrom).toBe(
      0,
    );
  });

  it('reads the history and the pending count at most once per few seconds', async () => {
    const api = testApi({ feedback: FEEDBACK });
    for (let i = 0; i < 3; i++) await api.call(httpEvent({ path: '/model' }));
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(2);
  });
});
