import type { PipelineStatus } from './pipeline-status';

/**
 * What the start CLI says about a pipeline status: a one-line summary while things move, or — when
 * nothing will move again on its own — what is wrong and the one command that fixes it.
 */

export interface Diagnosis {
  stuck: boolean;
  summary: string;
  problem?: string;
  fix?: string;
}

export interface DiagnosisContext {
  quick: boolean;
  /** This run's command with --fresh (wipes the local data and starts over). */
  freshCommand: string;
  /** The same without --quick: the full training profile. */
  fullFreshCommand: string;
  trainingLogFile(job: string): string;
}

/** The local SageMaker's FailureReason for a job it was stopped in the middle of (see training-jobs.ts). */
const INTERRUPTED = /local SageMaker was stopped/;

export function diagnose(status: PipelineStatus, context: DiagnosisContext): Diagnosis {
  switch (status.stage) {
    case 'preprocessing':
      return { stuck: false, summary: 'no manifest yet: preprocess is still writing it' };
    case 'awaiting-training':
      return {
        stuck: false,
        summary: `manifest ${status.manifest.dataset}/${status.manifest.version}: its training job has not started yet`,
      };
    case 'training': {
      const { job } = status;
      return {
        stuck: false,
        summary: `training job ${job.name} ${job.status}${job.secondaryStatus ? ` (${job.secondaryStatus})` : ''}`,
      };
    }
    case 'deploying':
      return { stuck: false, summary: `model ${status.job.name} trained; waiting for the gate and deploy` };
    case 'training-ended': {
      const { job, manifest } = status;
      const reason = job.failureReason ? `: ${job.failureReason}` : '';
      const why = INTERRUPTED.test(job.failureReason ?? '') ? '' : ` (its log: ${context.trainingLogFile(job.name)})`;
      return {
        stuck: true,
        summary: `training job ${job.name} ${job.status}`,
        problem:
          `training job ${job.name} for manifest ${manifest.dataset}/${manifest.version} is ${job.status}${reason}${why}. ` +
          'No model will come from it, and nothing will start it again: its name is fixed by the manifest.',
        fix: context.freshCommand,
      };
    }
    case 'refused':
      return {
        stuck: true,
        summary: `model ${status.job.name} refused by the gate`,
        problem: `the gate refused model ${status.job.name} for manifest ${status.manifest.dataset}/${status.manifest.version}: ${status.gateReason}. No other model is coming.`,
        fix: context.quick ? context.fullFreshCommand : context.freshCommand,
      };
  }
}
