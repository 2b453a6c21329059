import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionLogger } from './logger';
import { errorLogging, functionLogging, permanentErrorsNotRetried, type PermanentFailure } from './middlewares';

/**
 * How Lambda invokes the function. `async` (S3 notifications, EventBridge): a PermanentError is
 * logged and returned, not retried. `sync` (`sls invoke`, a caller waiting for the answer): every
 * error reaches the caller.
 */
export type Invocation = 'async' | 'sync';

/**
 * The one shape of a function: `lambdaFunction(logger, 'async').handler((event) => plainFunction(event, services))`.
 * Middlewares, outermost first: request-aware logging, one error line per failure, then (async
 * only) the retry decision.
 */
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: 'async',
): middy.MiddyfiedHandler<TEvent, TResult | PermanentFailure, Error, Context>;
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: 'sync',
): middy.MiddyfiedHandler<TEvent, TResult, Error, Context>;
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: Invocation,
): middy.MiddyfiedHandler<TEvent, TResult | PermanentFailure, Error, Context> {
  const fn = middy<TEvent, TResult | PermanentFailure, Error, Context>()
    .use(functionLogging(logger))
    .use(errorLogging(logger));
  return invocation === 'async' ? fn.use(permanentErrorsNotRetried()) : fn;
}
