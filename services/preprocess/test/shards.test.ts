import { classCounts, planShards } from '../src/shards';

describe('shards and counts', () => {
  it('splits rows into full shards and a shorter last one', () => {
    expect(planShards(25, 10)).toEqual([
      { index: 0, start: 0, end: 10 },
      { index: 1, start: 10, end: 20 },
      { index: 2, start: 20, end: 25 },
    ]);
    expect(planShards(20, 10)).toHaveLength(2);
    expect(() => planShards(5, 0)).toThrow(/positive integer/);
  });

  it('counts labels per class', () => {
    expect(classCounts(Uint8Array.from([0, 9, 9, 3]))).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
  });
});
