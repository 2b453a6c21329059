/** The middy middlewares every function uses (composed by `lambdaFunction`). */
import type middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@digits/common';
import { isPermanent } from './errors';
import type { FunctionLogger } from './logger';

/** Every line of an invocation carries its request id, function name and cold start. */
export function functionLogging(logger: FunctionLogger): middy.MiddlewareObj {
  return injectLambdaContext(logger.powertools) as middy.MiddlewareObj;
}

/** A failed invocation writes exactly one error line: type, message, stack, and whether it is permanent. */
export function errorLogging(logger: Logger): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      const { error } = request;
      logger.error('invocation failed', {
        errorType: error?.name ?? 'Error',
        permanent: isPermanent(error),
        error,
      });
    },
  };
}

/** What an async function returns instead of throwing a permanent error. */
export interface PermanentFailure {
  failed: { errorType: string; message: string };
  retried: false;
}

/**
 * For functions Lambda invokes asynchronously (S3, EventBridge): a permanent error becomes the
 * invocation's result, so Lambda does not retry an event that cannot succeed; any other error is
 * left to propagate, so Lambda retries it.
 */
export function permanentErrorsNotRetried(): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      const { error } = request;
      if (!error || !isPermanent(error)) return;
      const failure: PermanentFailure = { failed: { errorType: error.name, message: error.message }, retried: false };
      request.response = failure;
    },
  };
}
