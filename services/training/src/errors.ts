/** Errors of the training service (AWS answers are classified by @digits/common's aws-errors). */
import { PermanentError } from '@digits/lambda-kit';

/** A request to train (a caller's input, or a manifest an S3 event names) that cannot be trained on: permanent, not retried. */
export class TrainingRequestError extends PermanentError {
  override name = 'TrainingRequestError';
}

/** Every allowed attempt to train a dataset version failed or was stopped: permanent, not retried. */
export class TrainingAttemptsExhaustedError extends TrainingRequestError {
  override name = 'TrainingAttemptsExhaustedError';
}

/** The endpoint cannot be changed right now (it is creating/updating, or another deploy won a race): retryable. */
export class EndpointBusyError extends Error {
  override name = 'EndpointBusyError';
}

/** A rollback that has no valid target: permanent. */
export class RollbackError extends PermanentError {
  override name = 'RollbackError';
}
