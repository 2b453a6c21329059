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

type TrainingEnded = Extract<PipelineStatus, { stage: 'training-ended' }>;

/** What ended, why, and where its log is (unless the stop of the local SageMaker is the whole story). */
function attemptEnded({ job, manifest }: TrainingEnded, context: DiagnosisContext): string {
  const reason = job.failureReason ? `: ${job.failureReason}` : '';
  const log = INTERRUPTED.test(job.failureReason ?? '') ? '' : ` (its log: ${context.trainingLogFile(job.name)})`;
  return `training job ${job.name} for manifest ${manifest.dataset}/${manifest.version} is ${job.status}${reason}${log}.`;
}

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
    case 'training-ended':
      return {
        stuck: true,
        summary: `training job ${status.job.name} ${status.job.status}`,
        problem: `${attemptEnded(status, context)} No model will come from it, and no other attempt was started.`,
        fix: context.freshCommand,
      };
    case 'refused':
      return {
        stuck: true,
        summary: `model ${status.job.name} refused by the gate`,
        problem: `the gate refused model ${status.job.name} for manifest ${status.manifest.dataset}/${status.manifest.version}: ${status.gateReason}. No other model is coming.`,
        fix: context.quick ? context.fullFreshCommand : context.freshCommand,
      };
  }
}

/**
 * The training attempt ended and the reconcile asked for the next one started none: `why` is its
 * answer (the attempt limit is used up, or the manifest cannot be trained on). Retrying will not help.
 */
export function diagnoseRetryRefused(status: TrainingEnded, why: string, context: DiagnosisContext): Diagnosis {
  return {
    stuck: true,
    summary: `training job ${status.job.name} ${status.job.status}; no other attempt: ${why}`,
    problem: `${attemptEnded(status, context)} No model will come from it, and reconcile started no other attempt: ${why}`,
    fix: context.freshCommand,
  };
}
