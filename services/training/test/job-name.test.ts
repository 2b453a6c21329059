import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ATTEMPT, STAGE_SEPARATOR, attemptOf, isStageJob, stageNamePrefix, trainingJobName } from '../src/job-name';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

describe('trainingJobName', () => {
  it('is the same for the same dataset, version, hyperparameters in any order and attempt', () => {
    const a = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '5', batch_size: '128' });
    const b = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { batch_size: '128', epochs: '5' }, 1);
    expect(a).toBe(b);
    expect(a).toMatch(/^digits-dev--mnist-0123456789ab-[0-9a-f]{10}-a1$/);
  });

  it('differs when any input differs, the attempt included', () => {
    const base = trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '5' });
    expect(trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '6' })).not.toBe(base);
    expect(trainingJobName('digits-dev', 'mnist', 'v-fedcba9876543210', { epochs: '5' })).not.toBe(base);
    expect(trainingJobName('digits-dev', 'mnist2', 'v-0123456789abcdef', { epochs: '5' })).not.toBe(base);
    expect(trainingJobName('digits-prod', 'mnist', 'v-0123456789abcdef', { epochs: '5' })).not.toBe(base);
    expect(trainingJobName('digits-dev', 'mnist', 'v-0123456789abcdef', { epochs: '5' }, 2)).toBe(
      base.replace(/-a1$/, '-a2'),
    );
  });

  it('stays a valid lower-case SageMaker name of at most 63 characters for awkward dataset names and the last attempt', () => {
    const prefix = 'digits-some-long-stage-name-here';
    for (const dataset of ['My Digits_2024.v2', 'x'.repeat(64), '_._', 'A']) {
      for (const attempt of [1, MAX_ATTEMPT]) {
        const name = trainingJobName(prefix, dataset, 'v-0123456789abcdef', {}, attempt);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(SAGEMAKER_NAME);
        expect(name).toBe(name.toLowerCase());
        expect(isStageJob(prefix, name)).toBe(true);
        expect(attemptOf(name)).toBe(attempt);
      }
    }
  });

  it('refuses an attempt outside 1..MAX_ATTEMPT', () => {
    expect(() => trainingJobName('digits-dev', 'mnist', 'v-1', {}, 0)).toThrow(/attempt/);
    expect(() => trainingJobName('digits-dev', 'mnist', 'v-1', {}, MAX_ATTEMPT + 1)).toThrow(/attempt/);
  });

  it('keeps long dataset names that differ only at the end apart (the hash covers the full name)', () => {
    const a = trainingJobName('digits-dev', `${'d'.repeat(60)}a`, 'v-1', {});
    const b = trainingJobName('digits-dev', `${'d'.repeat(60)}b`, 'v-1', {});
    expect(a).not.toBe(b);
  });
});

describe('isStageJob', () => {
  it('matches only the stage prefix followed by the stage separator', () => {
    expect(isStageJob('digits-dev', 'digits-dev--mnist-1-a1')).toBe(true);
    expect(isStageJob('digits-dev', 'digits-devel--mnist-1-a1')).toBe(false);
    expect(isStageJob('digits-dev', 'digits-prod--mnist-1-a1')).toBe(false);
  });

  // Issue 10 item 4: stage `dev` must not see stage `dev-2`'s jobs (nor deploy their models).
  it('does not take a job of a stage whose name extends this one (dev vs dev-2)', () => {
    const dev2Job = trainingJobName('digits-dev-2', 'mnist', 'v-0123456789abcdef', {});
    expect(isStageJob('digits-dev', dev2Job)).toBe(false);
    expect(isStageJob('digits-dev-2', dev2Job)).toBe(true);
    expect(dev2Job.startsWith(stageNamePrefix('digits-dev'))).toBe(false);
  });

  it('uses a separator that no valid job prefix contains', () => {
    expect(STAGE_SEPARATOR).toBe('--');
    expect(stageNamePrefix('digits-dev')).toBe('digits-dev--');
  });
});

// The EventBridge rule and the IAM policies filter on the same name prefix as isStageJob: every use
// of the stage's job prefix in serverless.yml must be followed by the separator, or stage `dev`'s
// rule and roles also match stage `dev-2`'s jobs, models and endpoint configs.
describe('serverless.yml names this stage unambiguously', () => {
  const yml = readFileSync(join(__dirname, '..', 'serverless.yml'), 'utf8');
  const uses = [...yml.matchAll(/\$\{self:custom\.training\.jobPrefix\}(.{0,2})/g)];

  it('defines the job name prefix as the job prefix and the separator', () => {
    expect(yml).toMatch(/^\s+jobNamePrefix: \$\{self:custom\.training\.jobPrefix\}--$/m);
  });

  it('matches jobs, models and endpoint configs only through that prefix', () => {
    const unsafe = uses.filter(([, next]) => next!.startsWith('-') && next !== '--');
    expect(unsafe.map(([m]) => m)).toEqual([]);
    expect(yml).not.toMatch(/jobPrefix\}-\*/);
    expect(yml).toMatch(/- prefix: \$\{self:custom\.training\.jobNamePrefix\}$/m);
    expect(yml).toMatch(/training-job\/\$\{self:custom\.training\.jobNamePrefix\}\*/);
  });
});
