import type { CaptureRecord } from '@digits/common';
import { CaptureBuffer } from '../../src/predict/capture-buffer';

const record = (ms: number): CaptureRecord => ({ capturedAt: new Date(ms).toISOString(), model: null, instances: [] });
const times = (records: CaptureRecord[] | undefined) => records?.map((r) => Date.parse(r.capturedAt));

describe('CaptureBuffer', () => {
  it('holds records until the batch is full, then hands the batch over once and starts empty', () => {
    const buffer = new CaptureBuffer({ maxRecords: 3, maxAgeMs: 60_000 });
    expect(buffer.add(record(0), 0)).toBeUndefined();
    expect(buffer.add(record(1), 1)).toBeUndefined();
    expect(times(buffer.add(record(2), 2))).toEqual([0, 1, 2]);
    expect(buffer.size).toBe(0);
    expect(buffer.takeStale(1e9)).toBeUndefined();
    expect(buffer.add(record(3), 3)).toBeUndefined();
  });

  it('hands over what it holds once the oldest is older than the flush age, not before', () => {
    const buffer = new CaptureBuffer({ maxRecords: 25, maxAgeMs: 60_000 });
    expect(buffer.takeStale(0)).toBeUndefined(); // nothing held
    buffer.add(record(1000), 1000);
    buffer.add(record(50_000), 50_000);
    expect(buffer.takeStale(61_000)).toBeUndefined();
    expect(times(buffer.takeStale(61_001))).toEqual([1000, 50_000]);
    expect(buffer.takeStale(1e9)).toBeUndefined();
    // The next batch's age counts from its own first record.
    buffer.add(record(70_000), 70_000);
    expect(buffer.takeStale(100_000)).toBeUndefined();
  });

  it('a flush age of 0 hands a record over on the next request', () => {
    const buffer = new CaptureBuffer({ maxRecords: 25, maxAgeMs: 0 });
    buffer.add(record(5), 5);
    expect(times(buffer.takeStale(6))).toEqual([5]);
  });
});
