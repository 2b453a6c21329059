import { weakestCorruptions } from '../src/robustness';

describe('weakestCorruptions', () => {
  it('lists the lowest accuracies first, ties by name, at most the count asked', () => {
    const corruptions = { rotate: 0.9, noise: 0.7, 'lowres-8': 0.7, blur: 0.95 };
    expect(weakestCorruptions({ corruptions }, 3)).toEqual([
      { name: 'lowres-8', accuracy: 0.7 },
      { name: 'noise', accuracy: 0.7 },
      { name: 'rotate', accuracy: 0.9 },
    ]);
    expect(weakestCorruptions({ corruptions }, 10)).toHaveLength(4);
  });
});
