import fc from 'fast-check';
import { PIXELS } from '@digits/common';
import { CsvShardEncoder, classCounts, encodeCsvRows, planShards } from '../src/csv';

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

describe('CSV encoding', () => {
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
    for (const { start, end } of planShards(5, 2)) {
      seen.push(await encoder.withShard({ images, labels }, start, end, async (csv) => csv.toString('latin1')));
    }
    expect(seen.join('')).toBe(reference(images, labels, 0, 5));
    await expect(encoder.withShard({ images, labels }, 0, 3, async () => 'x')).rejects.toThrow(RangeError);
  });
});

describe('shards and counts', () => {
  it('splits rows into full shards and a shorter last one', () => {
    expect(planShards(25, 10)).toEqual([
      { index: 0, start: 0, end: 10 },
      { index: 1, start: 10, end: 20 },
      { index: 2, start: 20, end: 25 },
    ]);
    expect(planShards(20, 10)).toHaveLength(2);
    expect(() => planShards(5, 0)).toThrow(/positive integer/);
  });

  it('counts labels per class', () => {
    expect(classCounts(Uint8Array.from([0, 9, 9, 3]))).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
  });
});
