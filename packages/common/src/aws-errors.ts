/**
 * What an AWS SDK v3 error (S3 or SageMaker) means for the caller: the one classifier every
 * service uses, so "missing", "changed under us", "exists already" and "try again" are recognised
 * the same way everywhere. Throttling and transient failures are the SDK's own classification
 * (@smithy/core/retry, the rules its retry strategy uses), not a list of ours.
 */
import { isThrottlingError, isTransientError } from '@smithy/core/retry';

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const shape = (e: unknown): AwsErrorShape => (typeof e === 'object' && e !== null ? (e as AwsErrorShape) : {});

export const httpStatusOf = (e: unknown): number | undefined => shape(e).$metadata?.httpStatusCode;

/** SageMaker's Describe and Invoke calls report a missing resource as a validation error with these words. */
const SAGEMAKER_NOT_FOUND = /could not find|not found|does not exist/i;

/**
 * The object, job, model or endpoint does not exist. S3: 404 (NoSuchKey from GetObject, NotFound
 * from HeadObject). SageMaker: ResourceNotFound, or ValidationException "Could not find …"
 * (moto and older stacks say ValidationError).
 */
export function isNotFound(e: unknown): boolean {
  const { name, message = '' } = shape(e);
  if (name === 'NoSuchKey' || name === 'NotFound' || name === 'ResourceNotFound' || httpStatusOf(e) === 404)
    return true;
  return (name === 'ValidationException' || name === 'ValidationError') && SAGEMAKER_NOT_FOUND.test(message);
}

/** 403: without s3:ListBucket a missing object also reads as this. */
export const isAccessDenied = (e: unknown): boolean => httpStatusOf(e) === 403 || shape(e).name === 'AccessDenied';

/**
 * A conditional S3 request lost: the object changed since its ETag was read (If-Match), or exists
 * already (If-None-Match: *) — 412 PreconditionFailed; or another conditional write to the same key
 * was in flight — 409 ConditionalRequestConflict.
 */
export function isPreconditionFailed(e: unknown): boolean {
  const { name } = shape(e);
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || httpStatusOf(e) === 412;
}

/** A SageMaker Create* of a name that exists: ResourceInUse, or ValidationException "Cannot create already existing …". */
export function isAlreadyExists(e: unknown): boolean {
  const { name, message = '' } = shape(e);
  if (name === 'ResourceInUse') return true;
  return (name === 'ValidationException' || name === 'ValidationError') && /already exist/i.test(message);
}

/** Worth retrying later, unchanged: throttling, timeouts, network drops, 500/502/503/504. */
export function isTransient(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const error = e as Parameters<typeof isTransientError>[0];
  return isThrottlingError(error) || isTransientError(error);
}
