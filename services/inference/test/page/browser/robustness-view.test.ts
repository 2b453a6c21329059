import { robustnessFacts } from '../../../src/page/browser/robustness-view';

describe('robustnessFacts', () => {
  it('gives the mean over the corruptions and names the three weakest, lowest first', () => {
    const facts = robustnessFacts({
      suite: 'digits-c-1',
      images: 100,
      clean: 0.936,
      mean: 0.887,
      corruptions: { rotate: 0.846, noise: 0.759, 'lowres-8': 0.78, blur: 0.95, invert: 0.93 },
    });
    expect(facts).toEqual([
      ['Robustness', 'mean 88.7% over 5 corruptions, 100 images each; uncorrupted 93.6%'],
      ['Weakest under', 'noise 75.9%, lowres-8 78.0%, rotate 84.6%'],
    ]);
  });

  it('says a model was not scored when its record has no robustness (or nothing usable)', () => {
    const none = [['Robustness', 'not scored (trained before robustness scores)']];
    expect(robustnessFacts(null)).toEqual(none);
    expect(robustnessFacts(undefined)).toEqual(none);
    expect(robustnessFacts({ mean: 0.9, corruptions: {} })).toEqual(none);
  });
});
