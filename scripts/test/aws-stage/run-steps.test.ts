import { runSteps, type StepRunner } from '../../aws-stage/run-steps';
import { checkStage, deployPlan, removePlan, stageBuckets, type Step } from '../../aws-stage/steps';

/** A runner that records what it was asked and answers from a script: no AWS here. */
function scripted(answers: Record<string, { code: number; output?: string }> = {}) {
  const calls: string[] = [];
  const runner: StepRunner = {
    command: async (command, args, cwd) => {
      const line = `${command} ${args.join(' ')} @${cwd}`;
      calls.push(line);
      const hit = Object.entries(answers).find(([k]) => line.includes(k))?.[1];
      return { code: hit?.code ?? 0, output: hit?.output ?? '' };
    },
    emptyBucket: async (bucket) => {
      calls.push(`empty ${bucket}`);
      return 3;
    },
  };
  return { runner, calls };
}

describe('deploy:aws', () => {
  it('deploys every service in pipeline order, pushes the image after training, then imports MNIST', async () => {
    const { runner, calls } = scripted();
    const printed: string[] = [];
    const steps = deployPlan('/repo', { stage: 'dev', alarmEmail: 'ops@example.com' });

    const result = await runSteps(steps, runner, (l) => printed.push(l));

    expect(result).toEqual({ ok: true, ran: 7 });
    expect(calls).toEqual([
      'pnpm exec sls deploy --stage dev --param alarmEmail=ops@example.com @/repo/services/monitoring',
      'pnpm exec sls deploy --stage dev @/repo/services/ingest',
      'pnpm exec sls deploy --stage dev @/repo/services/preprocess',
      'pnpm exec sls deploy --stage dev @/repo/services/training',
      'bash /repo/services/training/scripts/push-image.sh dev @/repo',
      'pnpm exec sls deploy --stage dev @/repo/services/inference',
      'pnpm exec sls invoke -f importPublicDataset --stage dev @/repo/services/ingest',
    ]);
    expect(printed[0]).toBe(
      '[1/7] deploy monitoring: pnpm exec sls deploy --stage dev --param alarmEmail=ops@example.com  (in /repo/services/monitoring)',
    );
    expect(printed.at(-1)).toBe('done: 7 steps');
  });

  it('stops at the first failure, saying which step and why, and runs nothing after it', async () => {
    const { runner, calls } = scripted({
      'services/preprocess': {
        code: 1,
        output: 'Error:\nStack digits-preprocess-dev is in UPDATE_ROLLBACK_FAILED state',
      },
    });
    const printed: string[] = [];

    const result = await runSteps(deployPlan('/repo', { stage: 'dev', skipImage: true }), runner, (l) =>
      printed.push(l),
    );

    expect(result).toMatchObject({ ok: false, ran: 2, failed: { title: 'deploy preprocess' } });
    expect(calls).toHaveLength(3);
    expect(printed.slice(-2)).toEqual([
      'FAILED at step 3/6 (deploy preprocess): exit code 1: Error: | Stack digits-preprocess-dev is in UPDATE_ROLLBACK_FAILED state',
      'stopped: steps 4-6 were not run',
    ]);
  });

  it('refuses a missing or malformed stage before doing anything', () => {
    expect(() => checkStage(undefined)).toThrow('--stage is required');
    expect(() => checkStage('Dev')).toThrow('stage "Dev" must be');
    expect(() => checkStage('a--b')).toThrow('must be');
    expect(checkStage('dev-2')).toBe('dev-2');
  });
});

describe('remove:aws', () => {
  it('deletes the endpoint, empties every bucket, then removes the stacks in reverse order', async () => {
    const { runner, calls } = scripted({
      'delete-endpoint': {
        code: 254,
        output: 'An error occurred (ValidationException): Could not find endpoint "digits-dev".',
      },
    });
    const steps = removePlan('/repo', { stage: 'dev' }, {});

    const result = await runSteps(steps, runner, () => undefined);

    expect(result.ok).toBe(true); // an endpoint that is already gone is what removal wants
    expect(calls).toEqual([
      'aws sagemaker delete-endpoint --endpoint-name digits-dev @/repo',
      ...['monitoring', 'artifacts', 'processed', 'raw', 'inbox'].map((b) => `empty digits-dev-${b}`),
      ...['inference', 'training', 'preprocess', 'ingest', 'monitoring'].map(
        (s) => `pnpm exec sls remove --stage dev @/repo/services/${s}`,
      ),
    ]);
  });

  it('names the buckets with DIGITS_BUCKET_PREFIX as shared.yml does, and stops if one cannot be emptied', async () => {
    expect(stageBuckets('dev', { DIGITS_BUCKET_PREFIX: 'acme' })[0]).toBe('acme-monitoring');
    const failing: StepRunner = {
      command: async () => ({ code: 0, output: '' }),
      emptyBucket: async (b) => {
        throw new Error(`s3://${b}: Access Denied`);
      },
    };
    const printed: string[] = [];
    const result = await runSteps(removePlan('/r', { stage: 'x' }, {}), failing, (l) => printed.push(l));
    expect(result).toMatchObject({ ok: false, reason: 's3://digits-x-monitoring: Access Denied' });
    expect((result as { failed: Step }).failed.title).toBe('empty s3://digits-x-monitoring');
  });
});
