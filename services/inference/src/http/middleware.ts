import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@digits/common';
import { NO_METRICS, type FunctionMetrics } from '@digits/lambda-kit';
import { toHttpError } from './errors';
import { errorResponse } from './responses';

type Request = middy.Request<unknown, unknown, Error, Context>;

/**
 * Turns any error into `{"error": {"code", "message"}}` with its status. Bad input (4xx) is logged
 * as a warning with its message; anything else is logged in full (with the stack, which never
 * reaches the client) and answered with a generic 500 naming the request id.
 * Sets the response without returning it, so the CORS and latency middlewares still run.
 * Counts each refusal by its code (`ClientErrors`, dimension `code`) and each failure (`ServerErrors`).
 */
export function errorHandler(logger: Logger, metrics: FunctionMetrics = NO_METRICS): middy.MiddlewareObj {
  return {
    onError: async (request: Request) => {
      const error = toHttpError(request.error);
      const requestId = request.context?.awsRequestId as string | undefined;
      if (error.status >= 500) metrics.count('ServerErrors', 1, { code: error.code });
      else metrics.count('ClientErrors', 1, { code: error.code });
      if (error.status >= 500) {
        const cause = request.error;
        logger.error('request failed', {
          requestId,
          status: error.status,
          code: error.code,
          error: cause,
          stack: cause?.stack,
        });
        if (error.code === 'INTERNAL' && requestId) error.message = `${error.message} (request id ${requestId})`;
      } else {
        logger.warn('request refused', { requestId, status: error.status, code: error.code, message: error.message });
      }
      request.response = errorResponse(error);
    },
  } as middy.MiddlewareObj;
}

/**
 * `X-Latency-Ms`: time spent in the function from the first middleware to the response, and the
 * same figure appended to `Server-Timing` (after any per-stage entries the route added).
 */
export function latencyHeaders(now: () => number = () => performance.now()): middy.MiddlewareObj {
  const started = new WeakMap<object, number>();
  const stamp = async (request: Request) => {
    const start = started.get(request);
    const response = request.response as { headers?: Record<string, string> } | undefined;
    if (start === undefined || !response || typeof response !== 'object') return;
    const ms = (now() - start).toFixed(1);
    const headers = { ...response.headers };
    headers['X-Latency-Ms'] = ms;
    headers['Server-Timing'] = [headers['Server-Timing'], `total;dur=${ms}`].filter(Boolean).join(', ');
    response.headers = headers;
  };
  return {
    before: async (request: Request) => {
      started.set(request, now());
    },
    after: stamp,
    onError: stamp,
  } as middy.MiddlewareObj;
}
