import { oneAtATime, oneAtATimeSharingWaits } from '../src/one-at-a-time';

describe('oneAtATime', () => {
  it('runs calls one after the other, even when one fails', async () => {
    const serially = oneAtATime();
    const log: string[] = [];
    const step = (name: string, fail = false) =>
      serially(async () => {
        log.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('oneAtATimeSharingWaits', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it('lets a call share the result of a waiting call with the same key, never of a running one', async () => {
    const serially = oneAtATimeSharingWaits();
    let runs = 0;
    const count = (key: string | undefined) =>
      serially(key, async () => {
        const n = ++runs;
        await tick();
        return n;
      });
    const first = count('correction');
    await tick(); // the first is running now
    const second = count('correction'); // waits behind the first
    const third = count('correction'); // shares the second: it has not started
    const byHand = count('by-hand'); // another key: its own run
    const unkeyed = count(undefined); // never shared
    expect(await Promise.all([first, second, third, byHand, unkeyed])).toEqual([1, 2, 2, 3, 4]);
    // Once the shared run has started, a new call queues a run of its own.
    const later = count('correction');
    expect(await later).toBe(5);
  });

  it('a call made while the shared run is running gets a fresh run that starts after it', async () => {
    const serially = oneAtATimeSharingWaits();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = serially('k', async () => {
      log.push('a start');
      await gate;
      log.push('a end');
      return 'a';
    });
    await tick(); // a is running now
    const b = serially('k', async () => {
      log.push('b start');
      return 'b';
    });
    release();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b start']);
  });

  it('shares a failure too, and the next call runs again', async () => {
    const serially = oneAtATimeSharingWaits();
    let runs = 0;
    const fail = () =>
      serially('k', async () => {
        runs++;
        await tick();
        throw new Error(`run ${runs}`);
      });
    const first = fail();
    await tick(); // the first is running now
    const results = await Promise.allSettled([first, fail(), fail()]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'run 1',
      'run 2',
      'run 2',
    ]);
    await expect(fail()).rejects.toThrow('run 3');
  });
});
