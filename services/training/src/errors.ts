/** Errors of the training service and the recognisers for AWS answers it relies on. */

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

/** The registry holds something that is not what this service writes. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const shape = (e: unknown): AwsErrorShape => (typeof e === 'object' && e !== null ? (e as AwsErrorShape) : {});

/**
 * SageMaker reports a missing job/model/endpoint as ResourceNotFound or, for most Describe*
 * calls, as ValidationException "Could not find …" / "Requested resource not found".
 */
export function isSageMakerNotFound(e: unknown): boolean {
  const { name, message = '' } = shape(e);
  if (name === 'ResourceNotFound') return true;
  return name === 'ValidationException' && /could not find|not found|does not exist/i.test(message);
}

/** A Create* of a name that exists: ResourceInUse, or ValidationException "Cannot create already existing …". */
export function isSageMakerAlreadyExists(e: unknown): boolean {
  const { name, message = '' } = shape(e);
  if (name === 'ResourceInUse') return true;
  return name === 'ValidationException' && /already exist/i.test(message);
}

export function isS3NotFound(e: unknown): boolean {
  const { name, $metadata } = shape(e);
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

export function isS3PreconditionFailed(e: unknown): boolean {
  const { name, $metadata } = shape(e);
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || $metadata?.httpStatusCode === 412;
}
