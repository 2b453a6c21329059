/**
 * MNIST → CSV in the SageMaker built-in convention (CSV_FORMAT): label, then the 784 pixels
 * 0–255 row-major, no header, '\n' line ends. This is the hot loop of preprocessing (55 M values
 * for the full set), so it writes bytes straight into one preallocated buffer per shard through a
 * byte → ",ddd" table: no strings, no per-value allocation. The Lambda and `pnpm bench:preprocess`
 * both use exactly this module.
 */
import { IdxBytes, PIXELS } from '@digits/common';

/** Longest row: one label digit, 784 × ",255", newline. */
export const MAX_ROW_BYTES = 1 + PIXELS * 4 + 1;
/** Each cell writes all 4 table bytes and then advances by its real length: room for the overshoot. */
const SLACK = 3;

/** cells[4v..4v+3] = ",v" padded to 4 bytes; lengths[v] = how many of them count. */
export interface CellTable {
  cells: Uint8Array;
  lengths: Uint8Array;
}

export function cellTable(): CellTable {
  const cells = new Uint8Array(256 * 4);
  const lengths = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const text = `,${v}`;
    lengths[v] = text.length;
    for (let i = 0; i < text.length; i++) cells[v * 4 + i] = text.charCodeAt(i);
  }
  return { cells, lengths };
}

/**
 * The kernel: rows [0, rows) of `images`/`labels` into `out`, returning the bytes written.
 * Pixels go four at a time (784 = 4 × 196): four background zeros, the common case, are one test
 * and a fixed ",0,0,0,0"; otherwise each cell copies its 4 table bytes and advances by its length.
 */
export function encodeCsvInto(
  images: Uint8Array,
  labels: Uint8Array,
  rows: number,
  pixels: number,
  cells: Uint8Array,
  lengths: Uint8Array,
  out: Uint8Array,
): number {
  if (pixels % 4 !== 0) throw new RangeError(`pixels per row must be a multiple of 4, got ${pixels}`);
  let p = 0;
  for (let row = 0; row < rows; row++) {
    out[p++] = 0x30 + labels[row]!;
    const last = (row + 1) * pixels;
    for (let o = row * pixels; o < last; o += 4) {
      const a = images[o]!;
      const b = images[o + 1]!;
      const c = images[o + 2]!;
      const d = images[o + 3]!;
      if ((a | b | c | d) === 0) {
        out[p] = out[p + 2] = out[p + 4] = out[p + 6] = 0x2c;
        out[p + 1] = out[p + 3] = out[p + 5] = out[p + 7] = 0x30;
        p += 8;
        continue;
      }
      let t = a << 2;
      out[p] = cells[t]!;
      out[p + 1] = cells[t + 1]!;
      out[p + 2] = cells[t + 2]!;
      out[p + 3] = cells[t + 3]!;
      p += lengths[a]!;
      t = b << 2;
      out[p] = cells[t]!;
      out[p + 1] = cells[t + 1]!;
      out[p + 2] = cells[t + 2]!;
      out[p + 3] = cells[t + 3]!;
      p += lengths[b]!;
      t = c << 2;
      out[p] = cells[t]!;
      out[p + 1] = cells[t + 1]!;
      out[p + 2] = cells[t + 2]!;
      out[p + 3] = cells[t + 3]!;
      p += lengths[c]!;
      t = d << 2;
      out[p] = cells[t]!;
      out[p + 1] = cells[t + 1]!;
      out[p + 2] = cells[t + 2]!;
      out[p + 3] = cells[t + 3]!;
      p += lengths[d]!;
    }
    out[p++] = 0x0a;
  }
  return p;
}

export const csvBufferSize = (rows: number): number => rows * MAX_ROW_BYTES + SLACK;

const TABLE = cellTable();

/** A split's images (one array, or as parsed: IdxBytes) and labels (checked to be 0–9). */
export interface CsvSource {
  images: Uint8Array | IdxBytes;
  labels: Uint8Array;
}

function imageRows(images: Uint8Array | IdxBytes, start: number, end: number, scratch: () => Uint8Array): Uint8Array {
  return images instanceof IdxBytes
    ? images.copy(start * PIXELS, end * PIXELS, scratch())
    : images.subarray(start * PIXELS, end * PIXELS);
}

/** Rows [start, end) of a split as CSV bytes in a new Buffer. */
export function encodeCsvRows(source: CsvSource, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(csvBufferSize(end - start));
  const images = imageRows(source.images, start, end, () => new Uint8Array((end - start) * PIXELS));
  return out.subarray(
    0,
    encodeCsvInto(images, source.labels.subarray(start, end), end - start, PIXELS, TABLE.cells, TABLE.lengths, out),
  );
}

interface Scratch {
  csv: Buffer;
  images: Uint8Array;
}

/**
 * Scratch buffers kept for the life of the process, by shard size: a warm Lambda container (or the
 * benchmark's next run) reuses them. On a VM, first-touching fresh memory costs several times more
 * than filling it, so reuse matters as much as the kernel.
 */
const scratchPool = new Map<number, Scratch[]>();

/** Encodes shards of up to `maxRows` rows into reused scratch buffers. */
export class CsvShardEncoder {
  private readonly free: Scratch[];

  constructor(readonly maxRows: number) {
    if (!scratchPool.has(maxRows)) scratchPool.set(maxRows, []);
    this.free = scratchPool.get(maxRows)!;
  }

  /** Encode rows [start, end) and lend the bytes to `use`; they are only valid until it settles. */
  async withShard<T>(source: CsvSource, start: number, end: number, use: (csv: Buffer) => Promise<T>): Promise<T> {
    const rows = end - start;
    if (rows > this.maxRows) throw new RangeError(`shard of ${rows} rows exceeds ${this.maxRows}`);
    const scratch = this.free.pop() ?? {
      csv: Buffer.allocUnsafeSlow(csvBufferSize(this.maxRows)),
      images: new Uint8Array(0),
    };
    try {
      const images = imageRows(source.images, start, end, () => {
        if (scratch.images.length === 0) scratch.images = new Uint8Array(this.maxRows * PIXELS);
        return scratch.images;
      });
      const written = encodeCsvInto(
        images,
        source.labels.subarray(start, end),
        rows,
        PIXELS,
        TABLE.cells,
        TABLE.lengths,
        scratch.csv,
      );
      return await use(scratch.csv.subarray(0, written));
    } finally {
      this.free.push(scratch);
    }
  }
}

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
