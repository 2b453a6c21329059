/**
 * The logging interface all code logs through, and one-line JSON logs for processes that are not
 * Lambda functions (the model server, the offline cloud). Lambda functions log through
 * @digits/lambda-kit's Powertools logger behind this same interface, at their config's LOG_LEVEL.
 */
import { ENV } from './config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  component: string,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const threshold = ORDER[(process.env[ENV.logLevel] as Level) ?? 'info'] ?? ORDER.info;
  const emit =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < threshold) return;
      write(JSON.stringify({ level, component, message, ...fields, time: new Date().toISOString() }, errorReplacer));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
