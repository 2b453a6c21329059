/**
 * Validated MNIST splits → CSV shards, handed one by one to a sink (S3 in the Lambda, files in the
 * benchmark). While one shard is being stored the next one is encoded.
 */
import { CsvShardEncoder, SPLITS, type IdxPair, type ShardRef, type Split } from '@digits/common';
import { classCounts, planShards } from './shards';

export interface EncodedShard {
  split: Split;
  index: number;
  rows: number;
  /** Only valid until the sink's promise settles (the buffer is reused). */
  csv: Buffer;
}

/** Stores one shard and says where it went (the S3 key or file path recorded in the manifest). */
export type ShardSink = (shard: EncodedShard) => Promise<string>;

export interface ConvertedSplit {
  rows: number;
  classCounts: number[];
  shards: ShardRef[];
}

export interface ConvertOptions {
  shardRows: number;
  /** Shards encoded or being stored at once (each holds one scratch buffer of up to ~31 MB). */
  concurrency?: number;
}

export async function convertSplits(
  pairs: Record<Split, IdxPair>,
  sink: ShardSink,
  { shardRows, concurrency = 2 }: ConvertOptions,
): Promise<Record<Split, ConvertedSplit>> {
  const encoder = new CsvShardEncoder(shardRows);
  const jobs = SPLITS.flatMap((split) => planShards(pairs[split].count, shardRows).map((plan) => ({ split, plan })));
  const refs = new Map<(typeof jobs)[number], ShardRef>();
  let next = 0;
  let failed = false;
  const runner = async (): Promise<void> => {
    while (next < jobs.length && !failed) {
      const job = jobs[next++]!;
      const { split, plan } = job;
      const rows = plan.end - plan.start;
      refs.set(
        job,
        await encoder.withShard(pairs[split], plan.start, plan.end, async (csv) => ({
          key: await sink({ split, index: plan.index, rows, csv }),
          rows,
          bytes: csv.length,
        })),
      );
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, () =>
      runner().catch((e: unknown) => {
        failed = true; // the other runners stop after their current shard
        throw e;
      }),
    ),
  );
  const result = {} as Record<Split, ConvertedSplit>;
  for (const split of SPLITS) {
    result[split] = {
      rows: pairs[split].count,
      classCounts: classCounts(pairs[split].labels),
      shards: jobs.filter((j) => j.split === split).map((j) => refs.get(j)!),
    };
  }
  return result;
}
