import { ENV, numberEnv, requireEnv } from '@digits/common';

export interface PreprocessConfig {
  processedBucket: string;
  /** Rows per CSV shard (the last shard of a split may be shorter). */
  shardRows: number;
}

export const DEFAULT_SHARD_ROWS = 10_000;

export function loadConfig(env: Record<string, string | undefined> = process.env): PreprocessConfig {
  const shardRows = numberEnv(ENV.shardRows, DEFAULT_SHARD_ROWS, env);
  if (!Number.isInteger(shardRows) || shardRows < 1)
    throw new RangeError(`${ENV.shardRows} must be a positive integer, got ${shardRows}`);
  return { processedBucket: requireEnv(ENV.processedBucket, env), shardRows };
}
