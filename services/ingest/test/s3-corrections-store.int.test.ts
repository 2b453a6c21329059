/** The S3 side of collecting corrections, against a real local S3 (s3rver on 127.0.0.1). */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { IDX_SET_META, encodeCorrection, learnedCorrectionKey, pendingCorrectionKey } from '@digits/common';
import { buildCorrectionsDataset } from '../src/corrections-dataset';
import { s3CorrectionsStore } from '../src/s3-corrections-store';
import { correctionsWith } from './corrections-fixtures';
import { BUCKETS, getBytes, listKeys, put, startS3Fixture, type LocalS3Fixture } from './s3-buckets';

jest.setTimeout(60_000);

describe('s3CorrectionsStore', () => {
  let fx: LocalS3Fixture;
  let store: ReturnType<typeof s3CorrectionsStore>;
  beforeAll(async () => {
    fx = await startS3Fixture();
    store = s3CorrectionsStore(fx.s3, {
      inboxBucket: BUCKETS.inbox,
      rawBucket: BUCKETS.raw,
      now: () => new Date('2026-12-01T00:00:00Z'),
    });
  });
  afterAll(() => fx.stop());

  it('moves a pending correction to learned/ exactly once; a second move finds it gone', async () => {
    const [record] = correctionsWith(1, 0);
    const key = pendingCorrectionKey(record!.id);
    await put(fx.s3, BUCKETS.inbox, key, encodeCorrection(record!));
    const read = (await store.read(key))!;
    expect(await store.markLearned(key, record!.id, read.etag)).toBe('moved');
    expect(await store.markLearned(key, record!.id, read.etag)).toBe('gone');
    expect(await store.read(key)).toBeUndefined();
    expect((await store.read(learnedCorrectionKey(record!.id)))!.text).toBe(encodeCorrection(record!));
  });

  it('leaves an object that changed since it was read for the next run', async () => {
    const [record] = correctionsWith(1, 0, 100);
    const key = pendingCorrectionKey(record!.id);
    await put(fx.s3, BUCKETS.inbox, key, encodeCorrection(record!));
    const read = (await store.read(key))!;
    await put(fx.s3, BUCKETS.inbox, key, encodeCorrection({ ...record!, model: 'm' }));
    expect(await store.markLearned(key, record!.id, read.etag)).toBe('gone');
    expect(await store.read(key)).toBeDefined();
  });

  it('sets a malformed object aside under corrections/rejected/ with its reason', async () => {
    const key = 'corrections/pending/oops.json';
    await put(fx.s3, BUCKETS.inbox, key, 'not json');
    const read = (await store.read(key))!;
    expect(await store.setAside(key, read.etag, 'not JSON')).toBe('corrections/rejected/pending/oops.json');
    expect(await listKeys(fx.s3, BUCKETS.inbox, 'corrections/rejected/')).toEqual([
      'corrections/rejected/pending/oops.json',
      'corrections/rejected/pending/oops.json.rejected.json',
    ]);
    const reason = await fx.s3.send(
      new GetObjectCommand({ Bucket: BUCKETS.inbox, Key: 'corrections/rejected/pending/oops.json.rejected.json' }),
    );
    expect(JSON.parse(await reason.Body!.transformToString())).toEqual({
      sourceKey: key,
      reason: 'not JSON',
      rejectedAt: '2026-12-01T00:00:00.000Z',
    });
    expect(await store.read(key)).toBeUndefined();
  });

  it('writes the four dataset files into raw, each tagged with the set it belongs to', async () => {
    const plan = buildCorrectionsDataset([], correctionsWith(3, 1));
    if (!plan.ready) throw new Error(plan.reason);
    const keys = await store.writeDataset(plan.dataset);
    expect(keys).toEqual(plan.dataset.files.map((f) => `datasets/corrections/${f.name}`));
    for (const [i, Key] of keys.entries()) {
      expect((await getBytes(fx.s3, BUCKETS.raw, Key)).equals(Buffer.from(plan.dataset.files[i]!.bytes))).toBe(true);
      const head = await fx.s3.send(new HeadObjectCommand({ Bucket: BUCKETS.raw, Key }));
      expect(head.Metadata?.[IDX_SET_META]).toBe(plan.dataset.version);
    }
  });
});
