/**
 * The one way a function reads its settings. Each service has `src/config.ts` with a
 * `read…Config(env = process.env)` that builds its settings from this reader. serverless.yml sets
 * every variable (with its default there, overridable at deploy time); code holds no defaults and
 * only checks, so a misconfigured stage fails naming the variable and what it must be.
 */
import { ConfigError, ENV, type EnvName } from '@digits/common';
import { LOG_LEVELS, type LogLevel } from './logger';

export type Env = Record<string, string | undefined>;

/** What every function's config holds besides its own settings. */
export interface FunctionConfig {
  logLevel: LogLevel;
}

export interface NumberRule {
  min: number;
  max: number;
  /** Must be a whole number (default true). */
  integer?: boolean;
}

export interface EnvReader {
  string(name: EnvName | string): string;
  number(name: EnvName | string, rule: NumberRule): number;
  oneOf<T extends string>(name: EnvName | string, values: readonly T[]): T;
  json(name: EnvName | string): unknown;
  /** LOG_LEVEL: debug, info, warn or error. */
  logLevel(): LogLevel;
}

export function envReader(env: Env = process.env): EnvReader {
  const string = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
    return value;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const value = string(name);
    if (!values.includes(value as T))
      throw new ConfigError(`environment variable ${name} must be one of ${values.join(', ')}, got "${value}"`);
    return value as T;
  };
  return {
    string,
    oneOf,
    number(name, { min, max, integer = true }) {
      const raw = string(name);
      const value = Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
        throw new ConfigError(
          `environment variable ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`,
        );
      }
      return value;
    },
    json(name) {
      const raw = string(name);
      try {
        return JSON.parse(raw) as unknown;
      } catch (e) {
        throw new ConfigError(`environment variable ${name} is not valid JSON: ${(e as Error).message}`);
      }
    },
    logLevel: () => oneOf(ENV.logLevel, LOG_LEVELS),
  };
}
