import {
  CaptureError,
  captureKey,
  captureKeyTime,
  capturesDayPrefix,
  decodeCapturedInput,
  encodeCapturedInput,
  parseCaptureObject,
  PIXELS,
  type CaptureRecord,
} from '../src';

describe('capture keys', () => {
  it('sort by time under one prefix a day, and give their time back', () => {
    const at = new Date('2026-12-01T18:09:02.345Z');
    const key = captureKey(at, 'abc');
    expect(key).toBe('captures/2026-12-01/180902345-abc.json');
    expect(key.startsWith(capturesDayPrefix(at))).toBe(true);
    expect(captureKeyTime(key)).toEqual(at);
    expect(captureKeyTime('captures/2026-12-01/x.json')).toBeUndefined();
  });
});

describe('captured inputs', () => {
  it('round-trip within one byte step', () => {
    const pixels = Float32Array.from({ length: PIXELS }, (_, i) => (i % 97) / 96);
    const back = decodeCapturedInput(encodeCapturedInput(pixels));
    for (let i = 0; i < PIXELS; i++) expect(Math.abs(back[i]! - pixels[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });

  it('refuse malformed objects, naming the object and the record', () => {
    expect(() => decodeCapturedInput('AAAA')).toThrow(CaptureError);
    expect(() => parseCaptureObject('{"schemaVersion":2,"records":[]}', 'k')).toThrow('k: no records');
    expect(() => parseCaptureObject('{"schemaVersion":3,"records":[]}', 'k')).toThrow('k: schemaVersion is not 2');
    expect(() => parseCaptureObject('[', 'k')).toThrow(/^k: not JSON/);
    const bad = { schemaVersion: 2, records: [record('2026-12-01T18:00:00.000Z'), { ...record('x') }] };
    expect(() => parseCaptureObject(JSON.stringify(bad), 'k')).toThrow('k record 1: capturedAt is not a time');
    const empty = { schemaVersion: 2, records: [{ ...record('2026-12-01T18:00:00.000Z'), instances: [] }] };
    expect(() => parseCaptureObject(JSON.stringify(empty), 'k')).toThrow('k: no instances');
  });
});

describe('capture objects', () => {
  it('hold a batch of records', () => {
    const records = [record('2026-12-01T18:00:00.000Z'), record('2026-12-01T18:00:30.000Z')];
    expect(parseCaptureObject(JSON.stringify({ schemaVersion: 2, records }), 'k')).toEqual(records);
  });

  it('written before batching (schema 1, one record an object) are still read', () => {
    const old = { schemaVersion: 1, ...record('2026-12-01T18:00:00.000Z') };
    expect(parseCaptureObject(JSON.stringify(old), 'k')).toEqual([record('2026-12-01T18:00:00.000Z')]);
  });
});

function record(capturedAt: string): CaptureRecord {
  const instance = {
    input: encodeCapturedInput(new Float32Array(PIXELS)),
    digit: 3,
    confidence: 0.9,
    probabilities: [],
  };
  return { capturedAt, model: 'm', instances: [instance] };
}
