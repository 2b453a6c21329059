import { meetsMinimum } from '../../prerequisites/node-version';

describe('meetsMinimum', () => {
  it('compares major, minor and patch as numbers', () => {
    expect(meetsMinimum('20.19.0', '>=20.19')).toBe(true);
    expect(meetsMinimum('v20.20.2', '>=20.19')).toBe(true);
    expect(meetsMinimum('22.1.0', '>=20.19')).toBe(true);
    expect(meetsMinimum('20.18.3', '>=20.19')).toBe(false);
    expect(meetsMinimum('18.20.0', '>=20.19')).toBe(false);
    expect(meetsMinimum('20.9.0', '>=20.19')).toBe(false);
    expect(meetsMinimum('20.19.1', '>=20.19.2')).toBe(false);
  });

  it('refuses a range it cannot read rather than passing it', () => {
    expect(() => meetsMinimum('20.20.2', '^20.19')).toThrow('engines.node must read');
  });
});
