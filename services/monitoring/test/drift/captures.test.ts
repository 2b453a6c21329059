/**
 * The drift job's reader: capture objects hold batches of records named by the oldest one's time,
 * so a window's records are found in objects listed from CAPTURE_MAX_BATCH_SECONDS before it, and
 * each record is kept by its own time. Objects of one record (schema 1, before batching) still count.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { captureKey, encodeCapturedInput, PIXELS, type CaptureRecord, type Logger } from '@digits/common';
import { mockClient } from 'aws-sdk-client-mock';
import { readCaptures } from '../../src/drift/captures';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const record = (at: string, digit: number): CaptureRecord => ({
  capturedAt: at,
  model: 'm',
  instances: [{ input: encodeCapturedInput(new Float32Array(PIXELS)), digit, confidence: 0.9, probabilities: [] }],
});
const batch = (...records: CaptureRecord[]) => ({ schemaVersion: 2, records });

function bucketHolding(objects: Record<string, unknown>): void {
  const keys = Object.keys(objects).sort();
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: keys.filter((k) => k.startsWith(input.Prefix)).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
    Body: { transformToString: async () => JSON.stringify(objects[input.Key]) },
  }));
}

const key = (at: string, id: string) => captureKey(new Date(at), id);
const warnings: unknown[] = [];
const log = { warn: (...a: unknown[]) => warnings.push(a) } as unknown as Logger;

it('reads the records whose own time is in the window, from batches begun up to an hour before it', async () => {
  bucketHolding({
    // Begun before the lookback: its records cannot be in the window (never listed).
    [key('2026-12-01T16:59:00.000Z', 'a')]: batch(record('2026-12-01T16:59:00.000Z', 0)),
    // Begun before the window, one record in it.
    [key('2026-12-01T17:59:30.000Z', 'b')]: batch(
      record('2026-12-01T17:59:30.000Z', 1),
      record('2026-12-01T18:00:10.000Z', 2),
    ),
    // A schema-1 object (one record) written before batching.
    [key('2026-12-01T18:30:00.000Z', 'c')]: { schemaVersion: 1, ...record('2026-12-01T18:30:00.000Z', 3) },
    // Begun in the window, one record after it.
    [key('2026-12-01T18:59:00.000Z', 'd')]: batch(
      record('2026-12-01T18:59:00.000Z', 4),
      record('2026-12-01T19:00:30.000Z', 5),
    ),
  });

  const sample = await readCaptures(
    new S3Client({}),
    'mon',
    { from: new Date('2026-12-01T18:00:00.000Z'), to: new Date('2026-12-01T19:00:00.000Z') },
    { maxObjects: 100, log },
  );

  expect(sample).toMatchObject({ objects: 3, unreadable: 0 });
  expect(sample.statistics.count).toBe(3);
  expect(sample.answers.predicted.slice(0, 6)).toEqual([0, 0, 1, 1, 1, 0]);
});

it('lists the day before when the lookback crosses midnight, and skips an unreadable object naming it', async () => {
  bucketHolding({
    [key('2026-12-01T23:50:00.000Z', 'a')]: batch(record('2026-12-02T00:05:00.000Z', 7)),
    [key('2026-12-02T00:10:00.000Z', 'b')]: { schemaVersion: 2, records: [] },
  });
  const sample = await readCaptures(
    new S3Client({}),
    'mon',
    { from: new Date('2026-12-02T00:00:00.000Z'), to: new Date('2026-12-02T01:00:00.000Z') },
    { maxObjects: 100, log },
  );
  expect(sample.answers.predicted[7]).toBe(1);
  expect(sample.unreadable).toBe(1);
  expect(warnings).toContainEqual([
    'capture unreadable; skipped',
    {
      key: 'captures/2026-12-02/001000000-b.json',
      error: expect.objectContaining({ message: 's3://mon/captures/2026-12-02/001000000-b.json: no records' }),
    },
  ]);
});
