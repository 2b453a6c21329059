/** Settings of the ingest functions, from the environment serverless.yml sets (see @digits/lambda-kit's envReader). */
import { ENV } from '@digits/common';
import { envReader, type Env, type LogLevel } from '@digits/lambda-kit';
import type { ImportSource } from './import-input';

export interface InboxConfig {
  rawBucket: string;
  logLevel: LogLevel;
}

export interface ImportConfig extends InboxConfig {
  /** Where the four MNIST files are read from unless the invocation names another place. */
  publicDataset: ImportSource;
  /** Where the stage's reference set is stored (under _reference/, which only the import writes). */
  processedBucket: string;
}

export interface CollectConfig extends InboxConfig {
  /** Where corrections wait (corrections/pending/) and are kept once learned (corrections/learned/). */
  inboxBucket: string;
  /** Pending corrections that make a new one start a collection (FEEDBACK_MIN_CORRECTIONS). */
  minCorrections: number;
}

export function readInboxConfig(env: Env = process.env): InboxConfig {
  const read = envReader(env);
  return { rawBucket: read.string(ENV.rawBucket), logLevel: read.logLevel() };
}

export function readImportConfig(env: Env = process.env): ImportConfig {
  const read = envReader(env);
  return {
    ...readInboxConfig(env),
    publicDataset: { bucket: read.string(ENV.publicBucket), prefix: read.string(ENV.publicPrefix) },
    processedBucket: read.string(ENV.processedBucket),
  };
}

export function readCollectConfig(env: Env = process.env): CollectConfig {
  const read = envReader(env);
  return {
    ...readInboxConfig(env),
    inboxBucket: read.string(ENV.inboxBucket),
    minCorrections: read.number(ENV.feedbackMinCorrections, { min: 1, max: 1_000_000 }),
  };
}
