/** A deployed model as the training service's registry records it, and S3 answers for the mocks. */
import { NoSuchKey } from '@aws-sdk/client-s3';
import type { LivePointer, ModelRecord } from '@digits/common';

export const POINTER: LivePointer = {
  endpointName: 'digits-test',
  trainingJobName: 'digits-test-20260101-000000',
  modelName: 'digits-test-model-1',
  endpointConfigName: 'digits-test-config-1',
  testAccuracy: 0.9912,
  deployedAt: '2026-01-01T01:00:00.000Z',
  history: [],
};

export const RECORD: ModelRecord = {
  trainingJobName: POINTER.trainingJobName,
  status: 'Completed',
  dataset: 'mnist',
  datasetVersion: 'v-abc123',
  metrics: { test_accuracy: 0.9912, train_loss: 0.03 },
  gate: { deploy: true, reason: 'first model' },
  recordedAt: '2026-01-01T00:59:00.000Z',
  trainedAt: '2026-01-01T00:58:00.000Z',
};

/** A GetObject answer; the code reads it with Body.transformToString, as the SDK's stream offers. */
export const objectBody = (doc: unknown) => {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return { Body: { transformToString: async () => text } as never, $metadata: {} };
};

export const noSuchKey = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
