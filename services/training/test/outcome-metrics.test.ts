import type { ModelRecord, TrainingJobStateChangeEvent } from '@digits/common';
import { recordingMetrics as recording } from '@digits/lambda-kit/testing';
import type { DeployOutcome } from '../src/deploy-model';
import { recordDeployOutcome, recordStartOutcome } from '../src/outcome-metrics';

const event = (status: string) =>
  ({ detail: { TrainingJobName: 'job', TrainingJobStatus: status } }) as unknown as TrainingJobStateChangeEvent;
const record = (status: ModelRecord['status'], deploy: boolean): ModelRecord => ({
  trainingJobName: 'job',
  status,
  metrics: status === 'Completed' ? { test_accuracy: 0.99 } : {},
  gate: { deploy, reason: 'r' },
  recordedAt: '2026-12-01T00:00:00Z',
});

it('counts a completed job, its accuracy and the gate passing', () => {
  const { metrics, recorded } = recording();
  recordDeployOutcome(metrics, event('Completed'), {
    action: 'deploy-requested',
    record: record('Completed', true),
  } as DeployOutcome);
  expect(recorded).toEqual([
    { kind: 'count', name: 'TrainingJobs', value: 1, dimensions: { outcome: 'Completed' } },
    { kind: 'value', name: 'TestAccuracy', value: 0.99 },
    { kind: 'count', name: 'GateDecisions', value: 1, dimensions: { outcome: 'passed' } },
  ]);
});

it('counts a refusal by the gate, a failed job without a gate decision, and nothing for an ignored event', () => {
  const { metrics, recorded } = recording();
  recordDeployOutcome(metrics, event('Completed'), {
    action: 'not-deployed',
    record: record('Completed', false),
  } as DeployOutcome);
  recordDeployOutcome(metrics, event('Failed'), {
    action: 'not-deployed',
    record: record('Failed', false),
  } as DeployOutcome);
  recordDeployOutcome(metrics, event('InProgress'), { action: 'ignored', trainingJobName: 'job', reason: 'r' });
  expect(recorded).toEqual([
    { kind: 'count', name: 'TrainingJobs', value: 1, dimensions: { outcome: 'Completed' } },
    { kind: 'value', name: 'TestAccuracy', value: 0.99 },
    { kind: 'count', name: 'GateDecisions', value: 1, dimensions: { outcome: 'refused' } },
    { kind: 'count', name: 'TrainingJobs', value: 1, dimensions: { outcome: 'Failed' } },
  ]);
});

it('counts jobs started, by hand or from a manifest event, not those already started', () => {
  const { metrics, recorded } = recording();
  const started = { trainingJobName: 'j', attempt: 1, status: 'started', dataset: 'd', version: 'v' } as const;
  recordStartOutcome(metrics, started);
  recordStartOutcome(metrics, { ...started, status: 'already-started' });
  recordStartOutcome(metrics, {
    outcomes: [
      { key: 'k', result: started },
      { key: 'x', skipped: 'no' },
    ],
    failed: [],
  });
  expect(recorded).toEqual([
    { kind: 'count', name: 'TrainingJobs', value: 1, dimensions: { outcome: 'Started' } },
    { kind: 'count', name: 'TrainingJobs', value: 1, dimensions: { outcome: 'Started' } },
  ]);
});
