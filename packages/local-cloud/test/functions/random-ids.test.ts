import { randomText } from '../../src/functions/random-ids';

describe('randomText', () => {
  it('gives ids of the asked size that do not repeat, across pool refills', () => {
    const ids = Array.from({ length: 2000 }, () => randomText(12, 'hex'));
    expect(ids.every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Buffer.from(randomText(10, 'base64'), 'base64')).toHaveLength(10);
  });
});
