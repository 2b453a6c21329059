/** How a split's rows are cut into CSV shards, and the per-class counts the manifest records. */

export interface ShardPlan {
  index: number;
  start: number;
  end: number;
}

/** Split `count` rows into shards of at most `shardRows` rows (the last may be shorter). */
export function planShards(count: number, shardRows: number): ShardPlan[] {
  if (!Number.isInteger(shardRows) || shardRows < 1)
    throw new RangeError(`shard size must be a positive integer, got ${shardRows}`);
  const plans: ShardPlan[] = [];
  for (let start = 0, index = 0; start < count; start += shardRows, index++) {
    plans.push({ index, start, end: Math.min(count, start + shardRows) });
  }
  return plans;
}

/** classCounts[d] = how many labels equal d. */
export function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts;
}
