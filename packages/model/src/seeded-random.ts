/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)) for everything the model package draws at random. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct indices of 0..size−1, a uniform sample drawn by `random` (a partial
 * Fisher–Yates: the first `count` places of a shuffle), in the order drawn. Capped at `size`.
 */
export function sampleIndices(size: number, count: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  const n = Math.min(count, size);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (size - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.subarray(0, n);
}
