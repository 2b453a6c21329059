import { deflateSync } from 'node:zlib';
import { inflateExactly, reusesZlibContext } from '../src/inflate';

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7) % 251;
  return b;
}

describe('inflateExactly', () => {
  it('reuses one zlib context on this Node (the fast path is not silently lost on an upgrade)', () => {
    expect(reusesZlibContext()).toBe(true);
  });

  it('inflates data of exactly the expected size, call after call', () => {
    for (const n of [1, 100, 313_880, 100]) {
      const result = inflateExactly(deflateSync(bytes(n)), n);
      expect(result).toEqual({ ok: true, data: bytes(n) });
    }
  });

  it('says when the data holds more or less than expected', () => {
    expect(inflateExactly(deflateSync(bytes(9)), 8)).toEqual({ ok: false, reason: 'too-long' });
    expect(inflateExactly(deflateSync(Buffer.alloc(1 << 22)), 8)).toEqual({ ok: false, reason: 'too-long' });
    expect(inflateExactly(deflateSync(bytes(3)), 8)).toEqual({ ok: false, reason: 'too-short', length: 3 });
  });

  it('names invalid and cut-off data, and inflates the next stream as before', async () => {
    const bad = inflateExactly(Buffer.from('not zlib at all'), 8);
    expect(bad).toMatchObject({ ok: false, reason: 'invalid', message: expect.stringMatching(/header/) });
    const cut = deflateSync(bytes(1000));
    expect(inflateExactly(cut.subarray(0, cut.length - 20), 1000)).toMatchObject({
      ok: false,
      reason: 'invalid',
      message: expect.stringMatching(/unexpected end/),
    });
    expect(inflateExactly(deflateSync(bytes(50)), 50)).toEqual({ ok: true, data: bytes(50) });
    await new Promise((resolve) => setImmediate(resolve)); // a destroyed stream's error event must not escape
  });
});
