import { parseArgs } from 'node:util';
import { join } from 'node:path';

export interface StartOptions {
  quick: boolean;
  fresh: boolean;
  port: number;
  s3Port: number;
  sageMakerPort: number;
  dataDir: string;
  verbose: boolean;
  /** Corrections that start a retraining (serverless param feedbackMinCorrections); undefined: the stage's default. */
  feedbackMin?: number;
}

export const DEFAULT_PORTS = { api: 3000, s3: 4569, sageMaker: 4570 } as const;

export const USAGE = `usage: pnpm start [--quick] [--fresh] [--port N] [--s3-port N] [--sagemaker-port N] [--data-dir DIR] [--feedback-min N] [--verbose]
  --quick            small row limit and one epoch (smoke run)
  --fresh            wipe the local data folder first
  --port             HTTP API port (default ${DEFAULT_PORTS.api})
  --s3-port          local S3 port (default ${DEFAULT_PORTS.s3})
  --sagemaker-port   local SageMaker (control plane + runtime) port (default ${DEFAULT_PORTS.sageMaker})
  --data-dir         where local data lives (default .local/ in the repository)
  --feedback-min     corrections (POST /feedback) that start a retraining from the live model (default 100)
  --verbose          echo every function and container log line (always written to <data-dir>/logs/)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${name} must be a port number 0-65535, got "${value}"`);
  return n;
}

/** The most corrections a retraining may wait for offline: the inbox holds them all. */
export const MAX_FEEDBACK_MIN = 100_000;

function feedbackMin(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1 || n > MAX_FEEDBACK_MIN)
    throw new UsageError(`--feedback-min must be a whole number of corrections 1-${MAX_FEEDBACK_MIN}, got "${value}"`);
  return n;
}

/** What the options set in the services' configuration (serverless.yml's `${env:…}` fallbacks of params). */
export function optionConfigEnv(options: StartOptions): Record<string, string> {
  return options.feedbackMin !== undefined ? { FEEDBACK_MIN_CORRECTIONS: String(options.feedbackMin) } : {};
}

export function parseStartOptions(argv: string[], repoRoot: string): StartOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        port: { type: 'string' },
        's3-port': { type: 'string' },
        'sagemaker-port': { type: 'string' },
        'data-dir': { type: 'string' },
        'feedback-min': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) throw new UsageError('');
  return {
    quick: values.quick ?? false,
    fresh: values.fresh ?? false,
    verbose: values.verbose ?? false,
    port: port('port', values.port, DEFAULT_PORTS.api),
    s3Port: port('s3-port', values['s3-port'], DEFAULT_PORTS.s3),
    sageMakerPort: port('sagemaker-port', values['sagemaker-port'], DEFAULT_PORTS.sageMaker),
    dataDir: values['data-dir'] ?? join(repoRoot, '.local'),
    ...(values['feedback-min'] !== undefined ? { feedbackMin: feedbackMin(values['feedback-min']) } : {}),
  };
}

/** Shell-quoted only when needed. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `pnpm start` command line for these options (defaults left out), with `fresh`/`quick` overridden. */
export function startCommand(
  options: StartOptions,
  repoRoot: string,
  overrides: { fresh?: boolean; quick?: boolean } = {},
): string {
  const { fresh, quick } = { fresh: options.fresh, quick: options.quick, ...overrides };
  const args = ['pnpm', 'start'];
  if (quick) args.push('--quick');
  if (fresh) args.push('--fresh');
  if (options.port !== DEFAULT_PORTS.api) args.push('--port', String(options.port));
  if (options.s3Port !== DEFAULT_PORTS.s3) args.push('--s3-port', String(options.s3Port));
  if (options.sageMakerPort !== DEFAULT_PORTS.sageMaker) args.push('--sagemaker-port', String(options.sageMakerPort));
  if (options.dataDir !== join(repoRoot, '.local')) args.push('--data-dir', options.dataDir);
  if (options.feedbackMin !== undefined) args.push('--feedback-min', String(options.feedbackMin));
  if (options.verbose) args.push('--verbose');
  return args.map(shellWord).join(' ');
}
