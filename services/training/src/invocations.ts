/**
 * What each Lambda receives, adapted to the plain functions. Kept apart from the middy handlers so
 * tests drive exactly the code Lambda runs, without the Lambda runtime.
 */
import {
  TRAINING_STATE_CHANGE,
  s3ObjectsFromEvent,
  type S3Event,
  type TrainingJobStateChangeEvent,
} from '@digits/common';
import { deployModel, type DeployDeps, type DeployOutcome } from './deploy-model';
import { TrainingInputError } from './errors';
import { parseRollbackInput, rollback, type RollbackDeps, type RollbackResult } from './rollback';
import {
  parseStartTrainingInput,
  startTraining,
  startTrainingForObjects,
  type ManifestEventOutcome,
  type StartTrainingDeps,
  type StartTrainingResult,
} from './start-training';

const isS3Event = (event: unknown): event is S3Event =>
  typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records);

/** S3 notification (new manifest.json) or a hand invocation {dataset, version, hyperparameters?}. */
export async function onStartTraining(
  event: unknown,
  deps: StartTrainingDeps,
): Promise<StartTrainingResult | { outcomes: ManifestEventOutcome[] }> {
  if (!isS3Event(event)) return startTraining(parseStartTrainingInput(event), deps);
  const outcomes = await startTrainingForObjects(s3ObjectsFromEvent(event), deps);
  const failed = outcomes.filter((o) => o.error);
  // Fail the invocation so the error is counted and the event retried (starting is idempotent).
  if (failed.length > 0)
    throw new TrainingInputError(
      `could not start training for ${failed.map((o) => `${o.key} (${o.error})`).join('; ')}`,
    );
  return { outcomes };
}

export async function onTrainingStateChange(
  event: TrainingJobStateChangeEvent,
  deps: DeployDeps,
): Promise<DeployOutcome> {
  if (
    event?.source !== TRAINING_STATE_CHANGE.source ||
    event['detail-type'] !== TRAINING_STATE_CHANGE.detailType ||
    !event.detail
  ) {
    throw new TrainingInputError(
      `deployModel expects an EventBridge "${TRAINING_STATE_CHANGE.detailType}" event from ${TRAINING_STATE_CHANGE.source}`,
    );
  }
  return deployModel(event.detail, deps);
}

export async function onRollback(event: unknown, deps: RollbackDeps): Promise<RollbackResult> {
  return rollback(parseRollbackInput(event), deps);
}
