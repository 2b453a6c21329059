import fc from 'fast-check';
import { IdxError, MAX_IDX_ITEMS, parseIdx, readIdxHeader } from '../src/idx';
import { encodeIdxImages, encodeIdxLabels } from '../src/idx-write';
import { PIXELS } from '../src/manifest';

describe('idx-write', () => {
  it('writes images and labels that the parser reads back byte for byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 20 }),
        fc.integer(),
        (labels, seed) => {
          const pixels = Uint8Array.from({ length: labels.length * PIXELS }, (_, i) => (i * 31 + seed) & 0xff);
          const images = parseIdx(encodeIdxImages(pixels), { expect: 'images' });
          const read = parseIdx(encodeIdxLabels(Uint8Array.from(labels)), { expect: 'labels' });
          expect(images.header).toMatchObject({ count: labels.length, rows: 28, cols: 28 });
          expect(Buffer.from(images.data).equals(Buffer.from(pixels))).toBe(true);
          expect(Array.from(read.data)).toEqual(labels);
        },
      ),
    );
  });

  it('writes the MNIST headers: magic 0x803 with 28×28, magic 0x801', () => {
    expect(Array.from(encodeIdxImages(new Uint8Array(2 * PIXELS)).subarray(0, 16))).toEqual([
      0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28,
    ]);
    expect(Array.from(encodeIdxLabels(Uint8Array.from([7])))).toEqual([0, 0, 8, 1, 0, 0, 0, 1, 7]);
    expect(readIdxHeader(encodeIdxLabels(Uint8Array.from([1, 2]))).totalBytes).toBe(10);
  });

  it('refuses what no reader would accept: a partial image, a label above 9, too many items', () => {
    expect(() => encodeIdxImages(new Uint8Array(PIXELS + 1))).toThrow(/not a whole number of 28×28 images/);
    expect(() => encodeIdxLabels(Uint8Array.from([3, 10]))).toThrow(IdxError);
    expect(() => encodeIdxLabels(Uint8Array.from([3, 10]))).toThrow(/label 10 at index 1/);
    expect(() => encodeIdxLabels(new Uint8Array(MAX_IDX_ITEMS + 1))).toThrow(/exceeds the limit/);
  });
});
