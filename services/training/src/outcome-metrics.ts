/**
 * The training service's metrics, read from what its functions return (so the domain modules stay
 * as they are): training jobs by outcome (Started, Completed, Failed, Stopped), each completed
 * job's test accuracy, and the quality gate's decisions (passed, refused).
 */
import type { TrainingJobStateChangeEvent } from '@digits/common';
import type { FunctionMetrics } from '@digits/lambda-kit';
import type { DeployOutcome } from './deploy-model';
import type { ManifestEventResult } from './invocations';
import type { StartTrainingResult } from './start-training';

export const TRAINING_METRICS = {
  jobs: 'TrainingJobs',
  accuracy: 'TestAccuracy',
  gate: 'GateDecisions',
} as const;

export function recordStartOutcome(metrics: FunctionMetrics, result: StartTrainingResult | ManifestEventResult): void {
  const started =
    'outcomes' in result
      ? result.outcomes.filter((o) => 'result' in o && o.result?.status === 'started').length
      : Number(result.status === 'started');
  if (started > 0) metrics.count(TRAINING_METRICS.jobs, started, { outcome: 'Started' });
}

export function recordDeployOutcome(
  metrics: FunctionMetrics,
  event: TrainingJobStateChangeEvent,
  outcome: DeployOutcome,
): void {
  if (outcome.action === 'ignored' || outcome.action === 'already-deployed') return;
  const { record } = outcome;
  metrics.count(TRAINING_METRICS.jobs, 1, { outcome: event.detail.TrainingJobStatus ?? record.status });
  const accuracy = record.metrics.test_accuracy;
  if (record.status !== 'Completed') return;
  if (typeof accuracy === 'number') metrics.value(TRAINING_METRICS.accuracy, accuracy);
  metrics.count(TRAINING_METRICS.gate, 1, { outcome: record.gate.deploy ? 'passed' : 'refused' });
}
