import { cached } from '../src/cache';

describe('cached', () => {
  it('loads once per TTL, shares an in-flight load, and reloads after the TTL', async () => {
    let t = 0;
    let loads = 0;
    const value = cached(
      async () => ++loads,
      5_000,
      () => t,
    );
    expect(await Promise.all([value.get(), value.get()])).toEqual([1, 1]);
    t = 4_999;
    expect(await value.get()).toBe(1);
    t = 5_000;
    expect(await value.get()).toBe(2);
    value.invalidate();
    expect(await value.get()).toBe(3);
  });

  it('does not keep a failure: the next call tries again', async () => {
    let fail = true;
    const value = cached(async () => {
      if (fail) throw new Error('throttled');
      return 'ok';
    }, 60_000);
    await expect(value.get()).rejects.toThrow('throttled');
    fail = false;
    await expect(value.get()).resolves.toBe('ok');
  });
});
