import { mulberry32, sampleIndices } from '../src/seeded-random';

describe('mulberry32', () => {
  it('repeats per seed, differs across seeds, stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const drawn = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(drawn);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(drawn);
    expect(drawn.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});

describe('sampleIndices', () => {
  it('draws distinct indices within range, the same for the same generator state', () => {
    const sample = sampleIndices(1000, 100, mulberry32(1));
    expect(sample).toHaveLength(100);
    expect(new Set(sample).size).toBe(100);
    expect([...sample].every((i) => i >= 0 && i < 1000)).toBe(true);
    expect([...sampleIndices(1000, 100, mulberry32(1))]).toEqual([...sample]);
    expect([...sampleIndices(1000, 100, mulberry32(2))]).not.toEqual([...sample]);
  });

  it('caps at the population, which it then returns whole, and draws nothing for 0', () => {
    expect([...sampleIndices(5, 10, mulberry32(3))].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(5, 0, mulberry32(3))).toHaveLength(0);
    expect(sampleIndices(0, 3, mulberry32(3))).toHaveLength(0);
  });

  it('is uniform: every index is drawn about equally often over many samples', () => {
    const counts = new Array<number>(10).fill(0);
    const random = mulberry32(4);
    for (let round = 0; round < 5000; round++) for (const i of sampleIndices(10, 3, random)) counts[i]!++;
    // 15,000 draws over 10 indices: 1,500 each, σ ≈ 35.
    for (const count of counts) expect(Math.abs(count - 1500)).toBeLessThan(200);
  });
});
