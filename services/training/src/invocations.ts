/**
 * What each Lambda receives, adapted to the plain functions. Kept apart from the middy handlers so
 * tests drive exactly the code Lambda runs, without the Lambda runtime.
 */
import {
  TRAINING_STATE_CHANGE,
  type EndpointStateChangeEvent,
  type S3Event,
  type TrainingJobStateChangeEvent,
} from '@digits/common';
import { forEachS3Object, type ItemFailure } from '@digits/lambda-kit';
import { confirmDeployment, type ConfirmOutcome } from './confirm-deployment';
import { deployModel, type DeployDeps, type DeployOutcome } from './deploy-model';
import type { EndpointTruthDeps } from './endpoint-truth';
import { TrainingRequestError } from './errors';
import { parseRollbackInput, rollback, type RollbackDeps, type RollbackResult } from './rollback';
import {
  parseStartTrainingInput,
  startTraining,
  startTrainingForObject,
  type ManifestEventOutcome,
  type StartTrainingDeps,
  type StartTrainingResult,
} from './start-training';

const isS3Event = (event: unknown): event is S3Event =>
  typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records);

export interface ManifestEventResult {
  outcomes: ManifestEventOutcome[];
  /** Manifests that cannot be trained on (logged; a retry would not help). */
  failed: ItemFailure[];
}

/**
 * S3 notification (new manifest.json) or a hand invocation {dataset, version, hyperparameters?}.
 * Each manifest of an event is tried; any failure a retry may fix fails the invocation after the
 * others were tried, so Lambda retries the event (starting is idempotent).
 */
export async function onStartTraining(
  event: unknown,
  deps: StartTrainingDeps,
): Promise<StartTrainingResult | ManifestEventResult> {
  if (!isS3Event(event)) return startTraining(parseStartTrainingInput(event), deps);
  const settled = await forEachS3Object(event, (object) => startTrainingForObject(object, deps), deps.logger);
  return { outcomes: settled.results.map((r) => r.result), failed: settled.failed };
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
    throw new TrainingRequestError(
      `deployModel expects an EventBridge "${TRAINING_STATE_CHANGE.detailType}" event from ${TRAINING_STATE_CHANGE.source}`,
    );
  }
  return deployModel(event.detail, deps);
}

/** EventBridge "SageMaker Endpoint State Change": live.json follows what the endpoint serves. */
export async function onEndpointStateChange(
  event: EndpointStateChangeEvent,
  deps: EndpointTruthDeps,
): Promise<ConfirmOutcome> {
  return confirmDeployment(event, deps);
}

export async function onRollback(event: unknown, deps: RollbackDeps): Promise<RollbackResult> {
  return rollback(parseRollbackInput(event), deps);
}
