/** Settings of the preprocess function, from the environment serverless.yml sets (see @digits/lambda-kit's envReader). */
import { ENV } from '@digits/common';
import { envReader, type Env, type LogLevel } from '@digits/lambda-kit';

export interface PreprocessConfig {
  processedBucket: string;
  /** Rows per CSV shard (the last shard of a split may be shorter). */
  shardRows: number;
  logLevel: LogLevel;
}

export function readConfig(env: Env = process.env): PreprocessConfig {
  const read = envReader(env);
  return {
    processedBucket: read.string(ENV.processedBucket),
    shardRows: read.number(ENV.shardRows, { min: 1, max: 1_000_000 }),
    logLevel: read.logLevel(),
  };
}
