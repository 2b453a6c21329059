import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionLogger } from './logger';
import { functionInstrumentation, functionTelemetry, type FunctionTelemetry } from './telemetry';
import { errorLogging, functionLogging, permanentErrorsNotRetried, type PermanentFailure } from './middlewares';

/**
 * How Lambda invokes the function. `async` (S3 notifications, EventBridge): a PermanentError is
 * logged and returned, not retried. `sync` (`sls invoke`, a caller waiting for the answer): every
 * error reaches the caller.
 */
export type Invocation = 'async' | 'sync';

/**
 * The one shape of a function: `lambdaFunction(logger, 'async').handler((event) => plainFunction(event, services))`.
 * Middlewares, outermost first: request-aware logging, the X-Ray segment, metrics publishing, one
 * error line per failure, then (async only) the retry decision. `telemetry` defaults to the
 * container's one (functionTelemetry), which is also what the function's code records through.
 */
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: 'async',
  telemetry?: FunctionTelemetry,
): middy.MiddyfiedHandler<TEvent, TResult | PermanentFailure, Error, Context>;
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: 'sync',
  telemetry?: FunctionTelemetry,
): middy.MiddyfiedHandler<TEvent, TResult, Error, Context>;
export function lambdaFunction<TEvent, TResult>(
  logger: FunctionLogger,
  invocation: Invocation,
  telemetry: FunctionTelemetry = functionTelemetry(logger.service),
): middy.MiddyfiedHandler<TEvent, TResult | PermanentFailure, Error, Context> {
  const fn = middy<TEvent, TResult | PermanentFailure, Error, Context>()
    .use(functionLogging(logger))
    .use(functionInstrumentation(telemetry))
    .use(errorLogging(logger));
  return invocation === 'async' ? fn.use(permanentErrorsNotRetried()) : fn;
}
