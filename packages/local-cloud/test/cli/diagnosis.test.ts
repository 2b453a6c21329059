import { diagnose, diagnoseRetryRefused, type DiagnosisContext } from '../../src/cli/diagnosis';
import type { PipelineStatus } from '../../src/cli/pipeline-status';

const context: DiagnosisContext = {
  quick: true,
  freshCommand: 'pnpm start --quick --fresh',
  fullFreshCommand: 'pnpm start --fresh',
  trainingLogFile: (job) => `/data/sagemaker/logs/training-jobs/${job}.log`,
};
const manifest = { dataset: 'mnist', version: 'v-35bb42c1b2b9793d', key: 'mnist/v-35bb42c1b2b9793d/manifest.json' };
const job = (over: Partial<Extract<PipelineStatus, { stage: 'training' }>['job']> = {}) => ({
  name: 'digits-local-mnist-35bb42c1b2b9-57fc01e571',
  status: 'InProgress',
  secondaryStatus: 'Training',
  createdAt: new Date(0),
  ...over,
});

describe('diagnose: what pnpm start says while it waits for a model', () => {
  it.each<[PipelineStatus, RegExp]>([
    [{ stage: 'preprocessing' }, /no manifest yet: preprocess is still writing it/],
    [
      { stage: 'awaiting-training', manifest },
      /manifest mnist\/v-35bb42c1b2b9793d: its training job has not started yet/,
    ],
    [
      { stage: 'training', manifest, job: job() },
      /training job digits-local-mnist-35bb42c1b2b9-57fc01e571 InProgress \(Training\)/,
    ],
    [{ stage: 'deploying', manifest, job: job({ status: 'Completed' }) }, /trained; waiting for the gate and deploy/],
  ])('%j is progress, not a problem', (status, summary) => {
    const d = diagnose(status, context);
    expect(d.stuck).toBe(false);
    expect(d.summary).toMatch(summary);
  });

  it('a training job the stopped local SageMaker left Failed: what is wrong and the one command that fixes it', () => {
    const d = diagnose(
      {
        stage: 'training-ended',
        manifest,
        job: job({
          status: 'Failed',
          failureReason:
            'InternalServerError: the local SageMaker was stopped while this training job was running; start a new training job.',
        }),
      },
      context,
    );
    expect(d.stuck).toBe(true);
    expect(d.problem).toContain(
      'training job digits-local-mnist-35bb42c1b2b9-57fc01e571 for manifest mnist/v-35bb42c1b2b9793d is Failed',
    );
    expect(d.problem).toContain('the local SageMaker was stopped');
    expect(d.problem).toContain('no other attempt was started');
    expect(d.fix).toBe('pnpm start --quick --fresh');
  });

  it('a Stopped job is stuck too', () => {
    const d = diagnose({ stage: 'training-ended', manifest, job: job({ status: 'Stopped' }) }, context);
    expect(d.stuck).toBe(true);
    expect(d.problem).toContain('is Stopped');
    expect(d.fix).toBe('pnpm start --quick --fresh');
  });

  it('a job that failed on its own points at its log', () => {
    const d = diagnose(
      {
        stage: 'training-ended',
        manifest,
        job: job({ status: 'Failed', failureReason: 'AlgorithmError: out of memory' }),
      },
      context,
    );
    expect(d.problem).toContain('AlgorithmError: out of memory');
    expect(d.problem).toContain(`/data/sagemaker/logs/training-jobs/${job().name}.log`);
    expect(d.fix).toBe('pnpm start --quick --fresh');
  });

  it('a failed attempt reconcile cannot follow with another: its reason, and --fresh as the fix', () => {
    const ended = {
      stage: 'training-ended' as const,
      manifest,
      job: job({ status: 'Failed', failureReason: 'AlgorithmError: boom' }),
    };
    const d = diagnoseRetryRefused(ended, 'mnist/v-35bb42c1b2b9793d: 3 training attempts failed', context);
    expect(d.stuck).toBe(true);
    expect(d.problem).toContain('is Failed: AlgorithmError: boom');
    expect(d.problem).toContain(
      'reconcile started no other attempt: mnist/v-35bb42c1b2b9793d: 3 training attempts failed',
    );
    expect(d.fix).toBe('pnpm start --quick --fresh');
  });

  it('a model the gate refused: the reason, and the full profile as the fix for --quick', () => {
    const d = diagnose(
      {
        stage: 'refused',
        manifest,
        job: job({ status: 'Completed' }),
        gateReason: 'test_accuracy 0.85 is below the minimum 0.9',
      },
      context,
    );
    expect(d.stuck).toBe(true);
    expect(d.problem).toContain('test_accuracy 0.85 is below the minimum 0.9');
    expect(d.fix).toBe('pnpm start --fresh');
  });
});
