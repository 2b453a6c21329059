import { StatisticsAccumulator, PIXELS } from '@digits/common';
import { mnistSamples } from '@digits/test-kit';
import { compare, jensenShannonDistance } from '../../src/drift/compare';

describe('jensenShannonDistance', () => {
  it('is 0 for the same distribution (whatever the totals), 1 for disjoint ones, and symmetric', () => {
    expect(jensenShannonDistance([1, 2, 3], [10, 20, 30])).toBeCloseTo(0, 10);
    expect(jensenShannonDistance([1, 0], [0, 5])).toBeCloseTo(1, 10);
    expect(jensenShannonDistance([3, 1, 0], [1, 1, 1])).toBeCloseTo(jensenShannonDistance([1, 1, 1], [3, 1, 0]), 12);
    expect(jensenShannonDistance([0, 0], [0, 0])).toBe(0);
    expect(() => jensenShannonDistance([1], [1, 2])).toThrow(RangeError);
  });
});

describe('compare', () => {
  const statistics = (images: Uint8Array[]) => {
    const acc = new StatisticsAccumulator();
    for (const p of images) acc.add(p, 255);
    return acc.result();
  };
  const rotate = (p: Uint8Array) => {
    const out = new Uint8Array(PIXELS);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[x * 28 + (27 - y)] = p[y * 28 + x]!;
    return out;
  };

  it('scores MNIST test digits close to the training digits, and the same digits rotated a quarter turn far from them', async () => {
    const reference = statistics((await mnistSamples('train', 5000)).map((s) => s.pixels));
    const test = (await mnistSamples('test', 200, 500)).map((s) => s.pixels);

    const same = compare(statistics(test), reference);
    const rotated = compare(statistics(test.map(rotate)), reference);

    expect(Object.keys(same.scores)).toEqual(['inkMass', 'bboxWidth', 'bboxHeight', 'centreX', 'centreY', 'meanImage']);
    expect(same.score).toBeLessThan(0.3);
    expect(rotated.score).toBeGreaterThan(0.5);
    expect(rotated.score).toBe(Math.max(...Object.values(rotated.scores)));
  });

  it('adds the predicted-class and confidence scores when both answer sets are known', () => {
    const s = statistics([new Uint8Array(PIXELS)]);
    const answers = (predicted: number[]) => ({ count: 1, predicted, confidence: [1, ...Array(19).fill(0)] });
    const { scores } = compare(s, s, {
      captured: answers([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      reference: answers([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
    });
    expect(scores.predictedClass).toBe(1);
    expect(scores.confidence).toBe(0);
  });
});
