/**
 * CSV shards, the format preprocess writes and the trainer reads (CSV_FORMAT, SageMaker's built-in
 * convention): per line a label 0–9 then the 784 pixels 0–255 row-major, no header, '\n' line ends.
 * Both directions live here, tested against each other, so the trainer provably reads what
 * preprocess writes. Both work on bytes, not strings: the full MNIST is 55 M values (~128 MB).
 *
 * Writing is the hot loop of preprocessing: bytes go straight into one preallocated buffer per
 * shard through a byte → ",ddd" table, no strings, no per-value allocation.
 */
import { IdxBytes } from './idx';
import { CSV_FORMAT, NUM_CLASSES, PIXELS } from './manifest';

/** Longest row: one label digit, 784 × ",255", newline. */
const MAX_ROW_BYTES = 1 + PIXELS * 4 + 1;
/** Each cell writes all 4 table bytes and then advances by its real length: room for the overshoot. */
const SLACK = 3;

/** cells[4v..4v+3] = ",v" padded to 4 bytes; lengths[v] = how many of them count. */
interface CellTable {
  cells: Uint8Array;
  lengths: Uint8Array;
}

function cellTable(): CellTable {
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
function encodeCsvInto(
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

const csvBufferSize = (rows: number): number => rows * MAX_ROW_BYTES + SLACK;

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

/** A shard that is not label + 784 pixels a row; the message names file:line and column. */
export class CsvShardError extends Error {
  override name = 'CsvShardError';
}

export interface LabelledImages {
  /** rows × 784 pixel bytes, row-major 28×28, 0–255. */
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
}

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Parse up to `maxRows` rows of `bytes` (the contents of `file`) into `into` starting at row
 * `offset`. Returns the number of rows parsed. Throws CsvShardError naming file:line.
 */
export function parseCsvRowsInto(
  bytes: Uint8Array,
  file: string,
  into: LabelledImages,
  offset: number,
  maxRows = Infinity,
): number {
  const fields = CSV_FORMAT.columns;
  const { pixels, labels } = into;
  const n = bytes.length;
  let pos = 0;
  let line = 0;
  let rows = 0;
  const fail = (what: string): never => {
    throw new CsvShardError(`${file}:${line}: ${what}`);
  };
  while (pos < n && rows < maxRows) {
    line++;
    // A blank last line (file ends with a newline) is normal; any other blank line is not.
    if (bytes[pos] === LF || (bytes[pos] === CR && bytes[pos + 1] === LF)) {
      const next = pos + (bytes[pos] === CR ? 2 : 1);
      if (next >= n) break;
      fail('empty line');
    }
    const row = offset + rows;
    if (row >= labels.length) fail('more rows than counted (internal error)');
    let base = row * PIXELS;
    for (let field = 0; field < fields; field++) {
      let value = 0;
      let digits = 0;
      let c = bytes[pos]!;
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        digits++;
        c = bytes[++pos]!;
      }
      if (digits === 0 || digits > 3) {
        fail(
          `column ${field + 1}: ${digits === 0 ? describe(bytes, pos) : 'too many digits'}, expected ${field === 0 ? 'a label 0–9' : 'a pixel value 0–255'}`,
        );
      }
      if (field === 0) {
        if (value >= NUM_CLASSES) fail(`column 1: label ${value} is not a digit 0–9`);
        labels[row] = value;
      } else {
        if (value > 255) fail(`column ${field + 1}: pixel value ${value} is above 255`);
        pixels[base++] = value;
      }
      if (field < fields - 1) {
        if (c !== COMMA)
          fail(
            `${field + 1} columns, expected ${fields} (label + ${PIXELS} pixels)${c === undefined || c === LF || c === CR ? '' : `; found ${describe(bytes, pos)}`}`,
          );
        pos++;
      } else if (pos < n) {
        if (c === CR) c = bytes[++pos]!;
        if (pos >= n) break; // "\r" then end of file
        if (c === COMMA) fail(`more than ${fields} columns (label + ${PIXELS} pixels)`);
        if (c !== LF) fail(`unexpected ${describe(bytes, pos)} at the end of the row`);
        pos++;
      }
    }
    rows++;
  }
  return rows;
}

/** Upper bound of the rows in a CSV file (its line count). */
export function countCsvLines(bytes: Uint8Array): number {
  let lines = 0;
  let from = 0;
  for (;;) {
    const i = bytes.indexOf(LF, from);
    if (i < 0) break;
    lines++;
    from = i + 1;
  }
  return from < bytes.length ? lines + 1 : lines;
}

function describe(bytes: Uint8Array, pos: number): string {
  if (pos >= bytes.length) return 'end of file';
  const c = bytes[pos]!;
  if (c === LF || c === CR) return 'end of line';
  return `character ${JSON.stringify(String.fromCharCode(c))}`;
}
