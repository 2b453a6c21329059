/** Errors of the training service (AWS answers are classified by @digits/common's aws-errors). */

/** Input a caller (or an S3 event) supplied that cannot be trained on; retrying will not help. */
export class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}

/** The endpoint cannot be changed right now (it is creating/updating, or another deploy won a race): retry later. */
export class EndpointBusyError extends Error {
  override name = 'EndpointBusyError';
}

/** A rollback that has no valid target. */
export class RollbackError extends Error {
  override name = 'RollbackError';
}
