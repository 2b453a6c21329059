import { decideGate } from '../src/gate';

const gate = { minAccuracy: 0.98, maxRegression: 0.005 };
const live = { trainingJobName: 'digits-dev-mnist-live', testAccuracy: 0.992 };

describe('decideGate', () => {
  it('deploys the first model that reaches the minimum (the minimum itself included)', () => {
    expect(decideGate(0.98, undefined, gate)).toEqual({
      deploy: true,
      reason: 'test_accuracy 0.98 reaches the minimum 0.98; no model is live yet',
    });
  });

  it('refuses a model below the minimum', () => {
    expect(decideGate(0.9799, undefined, gate)).toEqual({
      deploy: false,
      reason: 'test_accuracy 0.9799 is below the minimum 0.98',
    });
  });

  it('allows a regression up to the margin, and refuses beyond it', () => {
    expect(decideGate(0.987, live, gate).deploy).toBe(true); // exactly 0.005 worse
    expect(decideGate(0.9869, live, gate)).toEqual({
      deploy: false,
      reason: "test_accuracy 0.9869 is worse than the live model's 0.992 (digits-dev-mnist-live) by more than 0.005",
    });
  });

  it('the minimum applies even when the live model is worse', () => {
    expect(decideGate(0.97, { ...live, testAccuracy: 0.96 }, gate).deploy).toBe(false);
  });

  it('refuses when the metric is missing or not a number', () => {
    expect(decideGate(undefined, live, gate)).toEqual({
      deploy: false,
      reason: 'the job reported no final test_accuracy',
    });
    expect(decideGate(Number.NaN, live, gate).deploy).toBe(false);
  });
});
