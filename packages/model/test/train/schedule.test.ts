import { oneCycleLearningRate } from '../../src/train/schedule';

describe('one-cycle learning rate', () => {
  const total = 1000;
  const peak = 0.003;
  const lr = (step: number) => oneCycleLearningRate(step, total, peak);

  it('warms up from peak/10 to the peak over the first 20% of steps, then anneals to peak/1000', () => {
    expect(lr(0)).toBeCloseTo(peak / 10, 10);
    expect(lr(200)).toBeCloseTo(peak, 10);
    expect(lr(total)).toBeCloseTo(peak / 1000, 10);
    for (let s = 1; s <= 200; s++) expect(lr(s)).toBeGreaterThan(lr(s - 1));
    for (let s = 201; s <= total; s++) expect(lr(s)).toBeLessThan(lr(s - 1));
  });

  it('never exceeds the peak, even for a one-step run', () => {
    expect(oneCycleLearningRate(0, 1, peak)).toBeLessThanOrEqual(peak);
    for (let s = 0; s < total; s++) expect(lr(s)).toBeLessThanOrEqual(peak);
  });
});
