/**
 * The functions' logger: Powertools for AWS Lambda's Logger behind @digits/common's `Logger`
 * interface. It writes one JSON object a line with the Lambda context (request id, function name,
 * cold start, X-Ray trace id) once `functionLogging` has seen the invocation, serialises errors
 * with their stack and cause, and follows Lambda's Advanced Logging Controls level. Processes that
 * are not Lambda functions (the model server, the offline cloud) keep common's `createLogger`.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '@digits/common';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Common's `Logger` (what a function's code logs through), with the Powertools logger the middlewares need. */
export interface FunctionLogger extends Logger {
  readonly powertools: PowertoolsLogger;
  /** The service it names (also the default service of the function's metrics and traces). */
  readonly service: string;
}

/** `service` names the service in every line; `level` comes from the function's config (LOG_LEVEL). */
export function createFunctionLogger(service: string, level: LogLevel): FunctionLogger {
  const powertools = new PowertoolsLogger({
    serviceName: service,
    logLevel: level.toUpperCase() as Uppercase<LogLevel>,
  });
  const at =
    (method: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void =>
      fields ? powertools[method](message, keepReserved(fields)) : powertools[method](message);
  return { powertools, service, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Keys Powertools writes itself; a field of that name would be dropped (with a warning line). */
const RESERVED: Readonly<Record<string, string>> = {
  message: 'detail',
  level: 'fieldLevel',
  service: 'fieldService',
  timestamp: 'fieldTimestamp',
  sampling_rate: 'fieldSamplingRate',
};

/** The fields with any reserved key renamed (`message` → `detail`), so no field is lost. */
function keepReserved(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(fields).some((k) => k in RESERVED)) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [RESERVED[k] ?? k, v]));
}
