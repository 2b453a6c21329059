import {
  TRAINING_STATE_CHANGE,
  type TrainingJobStateChangeDetail,
  type TrainingJobStateChangeEvent,
} from '@digits/common';

/** "SageMaker Training Job State Change" as EventBridge delivers it (Completed unless the detail says otherwise). */
export function trainingJobStateChange(
  detail: Partial<TrainingJobStateChangeDetail> & { TrainingJobName: string },
): TrainingJobStateChangeEvent {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': TRAINING_STATE_CHANGE.detailType,
    source: TRAINING_STATE_CHANGE.source,
    account: '123456789012',
    time: '2025-01-02T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { TrainingJobStatus: 'Completed', ...detail },
  };
}
