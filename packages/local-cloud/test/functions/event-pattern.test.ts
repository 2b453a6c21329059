import { EventPatternError, matchesEventPattern } from '../../src/functions/event-pattern';

const trainingEvent = {
  version: '0',
  id: 'e1',
  'detail-type': 'SageMaker Training Job State Change',
  source: 'aws.sagemaker',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:sagemaker:us-east-1:000000000000:training-job/digits-1'],
  detail: {
    TrainingJobName: 'digits-1',
    TrainingJobStatus: 'Completed',
    FinalMetricDataList: [{ MetricName: 'test_accuracy', Value: 0.991 }],
    Tags: { project: 'digits' },
    SourceIp: '10.1.2.3',
    Empty: null,
  },
};

describe('matchesEventPattern', () => {
  it('matches value lists and nested objects (the training-state pattern the services use)', () => {
    const pattern = {
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      detail: { TrainingJobStatus: ['Completed', 'Failed'] },
    };
    expect(matchesEventPattern(pattern, trainingEvent)).toBe(true);
    expect(
      matchesEventPattern(pattern, {
        ...trainingEvent,
        detail: { ...trainingEvent.detail, TrainingJobStatus: 'InProgress' },
      }),
    ).toBe(false);
    expect(matchesEventPattern(pattern, { ...trainingEvent, source: 'aws.s3' })).toBe(false);
  });

  it('treats a missing field as a non-match unless the pattern asks for exists: false', () => {
    expect(matchesEventPattern({ detail: { FailureReason: ['x'] } }, trainingEvent)).toBe(false);
    expect(matchesEventPattern({ detail: { FailureReason: [{ exists: false }] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ exists: true }] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ exists: false }] } }, trainingEvent)).toBe(false);
  });

  it('matches any element of an array field, and arrays of objects', () => {
    expect(matchesEventPattern({ resources: [{ prefix: 'arn:aws:sagemaker:' }] }, trainingEvent)).toBe(true);
    expect(
      matchesEventPattern({ detail: { FinalMetricDataList: { MetricName: ['test_accuracy'] } } }, trainingEvent),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { FinalMetricDataList: { MetricName: ['train_loss'] } } }, trainingEvent),
    ).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case, wildcard and null', () => {
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ prefix: 'digits-' }] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ suffix: '-1' }] } }, trainingEvent)).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { TrainingJobName: [{ prefix: { 'equals-ignore-case': 'DIGITS' } }] } },
        trainingEvent,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { TrainingJobStatus: [{ 'equals-ignore-case': 'COMPLETED' }] } }, trainingEvent),
    ).toBe(true);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ wildcard: 'dig*-?' }] } }, trainingEvent)).toBe(false);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ wildcard: 'dig*-1' }] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { Empty: [null] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { TrainingJobName: [null] } }, trainingEvent)).toBe(false);
  });

  it('supports anything-but with a value, a list and a prefix', () => {
    expect(
      matchesEventPattern({ detail: { TrainingJobStatus: [{ 'anything-but': 'InProgress' }] } }, trainingEvent),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { TrainingJobStatus: [{ 'anything-but': ['Completed', 'Failed'] }] } },
        trainingEvent,
      ),
    ).toBe(false);
    expect(
      matchesEventPattern({ detail: { TrainingJobName: [{ 'anything-but': { prefix: 'digits' } }] } }, trainingEvent),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { Missing: [{ 'anything-but': 'x' }] } }, trainingEvent)).toBe(false);
  });

  it('compares numbers with numeric ranges', () => {
    const metric = (range: unknown[]) => ({ detail: { FinalMetricDataList: { Value: [{ numeric: range }] } } });
    expect(matchesEventPattern(metric(['>=', 0.99]), trainingEvent)).toBe(true);
    expect(matchesEventPattern(metric(['>', 0.5, '<', 0.99]), trainingEvent)).toBe(false);
    expect(matchesEventPattern({ detail: { TrainingJobName: [{ numeric: ['>', 0] }] } }, trainingEvent)).toBe(false);
  });

  it('supports cidr and $or', () => {
    expect(matchesEventPattern({ detail: { SourceIp: [{ cidr: '10.1.0.0/16' }] } }, trainingEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { SourceIp: [{ cidr: '10.2.0.0/16' }] } }, trainingEvent)).toBe(false);
    const or = { detail: { $or: [{ TrainingJobStatus: ['Failed'] }, { Tags: { project: ['digits'] } }] } };
    expect(matchesEventPattern(or, trainingEvent)).toBe(true);
    const none = { detail: { $or: [{ TrainingJobStatus: ['Failed'] }, { Tags: { project: ['other'] } }] } };
    expect(matchesEventPattern(none, trainingEvent)).toBe(false);
  });

  it('rejects malformed patterns with the field named', () => {
    expect(() => matchesEventPattern({ source: 'aws.sagemaker' }, trainingEvent)).toThrow(EventPatternError);
    expect(() => matchesEventPattern({ source: 'aws.sagemaker' }, trainingEvent)).toThrow(/source/);
    expect(() => matchesEventPattern({ detail: { TrainingJobName: [{ regex: '.*' }] } }, trainingEvent)).toThrow(
      /unknown matcher "regex"/,
    );
  });
});
