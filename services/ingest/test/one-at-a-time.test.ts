import { oneAtATime } from '../src/one-at-a-time';

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
