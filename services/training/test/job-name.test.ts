import { isStageJob, trainingJobName } from '../src/job-name';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

describe('trainingJobName', () => {
  it('is the same for the same dataset, version and hyperparameters in any order', () => {
    const a = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '5', batch_size: '128' });
    const b = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { batch_size: '128', epochs: '5' });
    expect(a).toBe(b);
    expect(a).toMatch(/^digits-dev-mnist-0123456789ab-[0-9a-f]{10}$/);
  });

  it('differs when any input differs', () => {
    const base = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '5' });
    expect(trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '6' })).not.toBe(base);
    expect(trainingJobName('digits-dev', 'mnist', 'v-fedcba9876543210', { epochs: '5' })).not.toBe(base);
    expect(trainingJobName('digits-dev', 'mnist2', 'v-0123456789abcdef', { epochs: '5' })).not.toBe(base);
    expect(trainingJobName('digits-prod', 'mnist', 'v-0123456789abcdef', { epochs: '5' })).not.toBe(base);
  });

  it('stays a valid lower-case SageMaker name of at most 63 characters for awkward dataset names', () => {
    for (const dataset of ['My Digits_2024.v2', 'x'.repeat(64), '_._', 'A']) {
      const name = trainingJobName('digits-some-long-stage-name-here', dataset, 'v-0123456789abcdef', {});
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(SAGEMAKER_NAME);
      expect(name).toBe(name.toLowerCase());
      expect(isStageJob('digits-some-long-stage-name-here', name)).toBe(true);
    }
  });

  it('keeps long dataset names that differ only at the end apart (the hash covers the full name)', () => {
    const a = trainingJobName('digits-dev', `${'d'.repeat(60)}a`, 'v-1', {});
    const b = trainingJobName('digits-dev', `${'d'.repeat(60)}b`, 'v-1', {});
    expect(a).not.toBe(b);
  });
});

describe('isStageJob', () => {
  it('matches only the stage prefix followed by a dash', () => {
    expect(isStageJob('digits-dev', 'digits-dev-mnist-1')).toBe(true);
    expect(isStageJob('digits-dev', 'digits-devel-mnist-1')).toBe(false);
    expect(isStageJob('digits-dev', 'digits-prod-mnist-1')).toBe(false);
  });
});
