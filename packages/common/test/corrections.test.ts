import {
  CorrectionError,
  HELD_OUT_ONE_IN,
  correctionKeyId,
  correctionPixels,
  encodeCorrection,
  isHeldOut,
  learnedCorrectionKey,
  newCorrection,
  parseCorrection,
  pendingCorrectionKey,
} from '../src/corrections';

const pixels = (seed: number): Float32Array => Float32Array.from({ length: 784 }, (_, i) => ((i * seed) % 256) / 255);

describe('corrections contract', () => {
  it('gives the same image and label the same id, and another label another id', () => {
    const a = newCorrection(pixels(3), 7, { receivedAt: new Date(0) });
    const b = newCorrection(pixels(3), 7, { receivedAt: new Date(1000), predicted: 1, model: 'm' });
    const c = newCorrection(pixels(3), 1);
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });

  it('round-trips a record and its pixels', () => {
    const r = newCorrection(pixels(5), 2, { predicted: 3, model: 'digits-dev-mnist-x' });
    const back = parseCorrection(encodeCorrection(r), 'k');
    expect(back).toEqual(r);
    expect(Array.from(correctionPixels(back)).map((x) => Math.round(x * 255))).toEqual(
      Array.from(pixels(5)).map((x) => Math.round(x * 255)),
    );
  });

  it.each([
    ['bad label', { label: 10 }, /label/],
    ['tampered label', { label: 4 }, /does not match/],
    ['bad id', { id: '../x' }, /id is not/],
    ['short input', { input: 'AAAA' }, /784 base64 bytes/],
    ['bad predicted', { predicted: -1 }, /predicted/],
    ['bad time', { receivedAt: 'yesterday' }, /receivedAt/],
    ['other schema', { schemaVersion: 2 }, /schemaVersion/],
  ])('refuses a record with a %s', (_, change, message) => {
    const r = { ...newCorrection(pixels(7), 2), ...change };
    expect(() => parseCorrection(JSON.stringify(r), 'corrections/pending/x.json')).toThrow(message);
  });

  it('refuses non-JSON and labels out of range at creation', () => {
    expect(() => parseCorrection('{', 'k')).toThrow(CorrectionError);
    expect(() => newCorrection(pixels(1), 1.5)).toThrow(/label/);
    expect(() => newCorrection(pixels(1), 1, { predicted: 11 })).toThrow(/predicted/);
  });

  it('holds out about one in five, fixed by id', () => {
    const ids = Array.from({ length: 2000 }, (_, k) => newCorrection(pixels(k + 1), k % 10).id);
    const held = ids.filter(isHeldOut).length / ids.length;
    expect(held).toBeGreaterThan(1 / HELD_OUT_ONE_IN - 0.03);
    expect(held).toBeLessThan(1 / HELD_OUT_ONE_IN + 0.03);
    expect(ids.map(isHeldOut)).toEqual(ids.map(isHeldOut));
  });

  it('keys hold only a checked id', () => {
    const { id } = newCorrection(pixels(2), 0);
    expect(correctionKeyId(pendingCorrectionKey(id))).toBe(id);
    expect(correctionKeyId(learnedCorrectionKey(id))).toBe(id);
    expect(correctionKeyId('corrections/pending/../x.json')).toBeUndefined();
    expect(() => pendingCorrectionKey('../../etc')).toThrow(CorrectionError);
  });
});
