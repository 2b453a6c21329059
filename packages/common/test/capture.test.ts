import {
  CaptureError,
  captureKey,
  captureKeyTime,
  capturesDayPrefix,
  decodeCapturedInput,
  encodeCapturedInput,
  parseCaptureRecord,
  PIXELS,
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

  it('refuse malformed records, naming the object', () => {
    expect(() => decodeCapturedInput('AAAA')).toThrow(CaptureError);
    expect(() => parseCaptureRecord('{"schemaVersion":1,"instances":[]}', 'k')).toThrow('k: no instances');
    expect(() => parseCaptureRecord('[', 'k')).toThrow(/^k: not JSON/);
  });
});
