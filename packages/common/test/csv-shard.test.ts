/**
 * The CSV shard contract both ways: the writer (preprocess) against an obvious reference encoder,
 * the reader (the trainer) against hand-written rows, and the reader reading back exactly what the
 * writer wrote.
 */
import fc from 'fast-check';
import { IdxBytes } from '../src/idx';
import { PIXELS } from '../src/manifest';
import {
  CsvShardEncoder,
  CsvShardError,
  countCsvLines,
  encodeCsvRows,
  parseCsvRowsInto,
  type LabelledImages,
} from '../src/csv-shard';

/** The obvious (slow) encoder the fast one must agree with byte for byte. */
const reference = (images: Uint8Array, labels: Uint8Array, start: number, end: number): string => {
  let out = '';
  for (let r = start; r < end; r++)
    out += `${labels[r]},${Array.from(images.subarray(r * PIXELS, (r + 1) * PIXELS)).join(',')}\n`;
  return out;
};

const split = (rows: number) =>
  fc.record({
    images: fc.uint8Array({ minLength: rows * PIXELS, maxLength: rows * PIXELS }),
    labels: fc.uint8Array({ minLength: rows, maxLength: rows, max: 9 }),
  });

describe('writing CSV shards', () => {
  it('writes label then 784 pixels a row, exactly as String(value) would', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((rows) => fc.tuple(split(rows), fc.nat({ max: rows }), fc.nat({ max: rows }))),
        ([pair, a, b]) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect(encodeCsvRows(pair, start, end).toString('latin1')).toBe(
            reference(pair.images, pair.labels, start, end),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('covers every byte value, including the widest row', () => {
    const images = new Uint8Array(2 * PIXELS).map((_, i) => (i < PIXELS ? i % 256 : 255));
    const labels = Uint8Array.from([0, 9]);
    const csv = encodeCsvRows({ images, labels }, 0, 2).toString('latin1');
    expect(csv).toBe(reference(images, labels, 0, 2));
    expect(csv.split('\n')[1]).toHaveLength(1 + PIXELS * 4);
  });

  it('reuses its scratch buffers without mixing shards up', async () => {
    const images = new Uint8Array(5 * PIXELS).map((_, i) => Math.floor(i / PIXELS) * 50);
    const labels = Uint8Array.from([1, 2, 3, 4, 5]);
    const encoder = new CsvShardEncoder(2);
    const seen: string[] = [];
    for (const [start, end] of [
      [0, 2],
      [2, 4],
      [4, 5],
    ] as const) {
      seen.push(await encoder.withShard({ images, labels }, start, end, async (csv) => csv.toString('latin1')));
    }
    expect(seen.join('')).toBe(reference(images, labels, 0, 5));
    await expect(encoder.withShard({ images, labels }, 0, 3, async () => 'x')).rejects.toThrow(RangeError);
  });
});

const row = (
  label: string | number,
  pixels: Array<string | number> = Array.from({ length: PIXELS }, (_, i) => i % 256),
) => `${label},${pixels.join(',')}`;
const target = (rows: number): LabelledImages => ({
  pixels: new Uint8Array(rows * PIXELS),
  labels: new Uint8Array(rows),
  rows: 0,
});
const parse = (text: string, rows = 4) => parseCsvRowsInto(Buffer.from(text), 'train/a.csv', target(rows), 0);

describe('parseCsvRowsInto (label + 784 pixels a row, no header)', () => {
  it('reads labels and pixels, with LF or CRLF line ends and with or without a final newline', () => {
    // Prepare
    const into = target(3);
    const text = `${row(7)}\r\n${row(0, Array(PIXELS).fill(255))}\n${row(9, Array(PIXELS).fill(0))}`;

    // Act
    const rows = parseCsvRowsInto(Buffer.from(text), 'a.csv', into, 0);

    // Assess
    expect(rows).toBe(3);
    expect([...into.labels]).toEqual([7, 0, 9]);
    expect(into.pixels[0]).toBe(0);
    expect(into.pixels[300]).toBe(300 % 256);
    expect(into.pixels.subarray(PIXELS, 2 * PIXELS).every((v) => v === 255)).toBe(true);
    expect(parse(`${row(1)}\n`)).toBe(1);
    expect(countCsvLines(Buffer.from(text))).toBe(3);
  });

  it('stops at maxRows and writes at the given row offset', () => {
    const into = target(3);
    expect(parseCsvRowsInto(Buffer.from(`${row(1)}\n${row(2)}\n${row(3)}\n`), 'a.csv', into, 1, 2)).toBe(2);
    expect([...into.labels]).toEqual([0, 1, 2]);
  });

  it.each([
    [
      'a header line',
      `label,${Array.from({ length: PIXELS }, (_, i) => `p${i}`).join(',')}\n${row(1)}`,
      'train/a.csv:1: column 1',
    ],
    ['a label above 9', row(10), 'train/a.csv:1: column 1: label 10 is not a digit 0–9'],
    [
      'a pixel above 255',
      `${row(1)}\n${row(2, [...Array(PIXELS - 1).fill(0), 256])}`,
      'train/a.csv:2: column 785: pixel value 256 is above 255',
    ],
    ['a short row', `${row(1)}\n${row(2, Array(PIXELS - 1).fill(0))}\n`, 'train/a.csv:2: 784 columns, expected 785'],
    ['a long row', `${row(1, [...Array(PIXELS).fill(0), 5])}`, 'train/a.csv:1: more than 785 columns'],
    ['a negative value', row(1, [-1, ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: column 2: character "-"'],
    ['a decimal value', row(1, ['0.5', ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: 2 columns'],
    ['an empty field', row(1, ['', ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: column 2'],
    ['a blank line inside', `${row(1)}\n\n${row(2)}`, 'train/a.csv:2: empty line'],
    ['a truncated last row', `${row(1)}\n3,0,0`, 'train/a.csv:2: 3 columns, expected 785'],
  ])('rejects %s, naming file and line', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});

describe('what preprocess writes, the trainer reads', () => {
  it('round-trips any images and labels, split into shards of any size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }).chain((rows) => fc.tuple(split(rows), fc.integer({ min: 1, max: rows }))),
        async ([pair, shardRows]) => {
          const rows = pair.labels.length;
          // As preprocess holds parsed IDX data: the pixels in chunks.
          const images = new IdxBytes([pair.images.subarray(0, 100), pair.images.subarray(100)]);
          const encoder = new CsvShardEncoder(shardRows);
          const shards: Buffer[] = [];
          for (let start = 0; start < rows; start += shardRows) {
            const end = Math.min(rows, start + shardRows);
            shards.push(
              await encoder.withShard({ images, labels: pair.labels }, start, end, async (csv) => Buffer.from(csv)),
            );
          }
          const capacity = shards.reduce((n, s) => n + countCsvLines(s), 0);
          expect(capacity).toBe(rows);
          const into: LabelledImages = { pixels: new Uint8Array(rows * PIXELS), labels: new Uint8Array(rows), rows: 0 };
          for (const [i, shard] of shards.entries())
            into.rows += parseCsvRowsInto(shard, `part-${i}.csv`, into, into.rows);
          expect(into.rows).toBe(rows);
          expect(Buffer.from(into.labels).equals(Buffer.from(pair.labels))).toBe(true);
          expect(Buffer.from(into.pixels).equals(Buffer.from(pair.images))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses with a CsvShardError naming the file and line', () => {
    const csv = encodeCsvRows({ images: new Uint8Array(2 * PIXELS), labels: Uint8Array.from([3, 4]) }, 0, 2);
    const broken = Buffer.from(csv.toString('latin1').replace(/\n4,/, '\n4;'), 'latin1');
    const into: LabelledImages = { pixels: new Uint8Array(2 * PIXELS), labels: new Uint8Array(2), rows: 0 };
    expect(() => parseCsvRowsInto(broken, 'test/part-00000.csv', into, 0)).toThrow(CsvShardError);
    expect(() => parseCsvRowsInto(broken, 'test/part-00000.csv', into, 0)).toThrow(/^test\/part-00000\.csv:2: /);
  });
});
