import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  IdxBytes,
  IdxError,
  IdxParser,
  checkIdxSize,
  pairIdx,
  parseIdx,
  readIdxHeader,
  type IdxErrorCode,
} from '../src/idx';
import { decodeIdx, readIdxStream } from '../src/idx-decode';
import { chunked, idxImages, idxLabels } from './idx-fixtures';

/** Any IdxError code (and nothing else: neither acceptance nor a foreign error). */
const LABELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3];

function codeOf(fn: () => unknown): IdxErrorCode | string {
  try {
    fn();
  } catch (e) {
    return e instanceof IdxError ? e.code : `not an IdxError: ${String(e)}`;
  }
  return 'accepted';
}

async function asyncCodeOf(fn: () => Promise<unknown>): Promise<IdxErrorCode | string> {
  try {
    await fn();
  } catch (e) {
    return e instanceof IdxError ? e.code : `not an IdxError: ${String(e)}`;
  }
  return 'accepted';
}

describe('IDX header', () => {
  it('reads images and labels headers', () => {
    expect(readIdxHeader(idxImages(3))).toMatchObject({
      kind: 'images',
      count: 3,
      rows: 28,
      cols: 28,
      headerBytes: 16,
      totalBytes: 16 + 3 * 784,
    });
    expect(readIdxHeader(idxLabels(LABELS))).toMatchObject({ kind: 'labels', count: 11, headerBytes: 8, itemBytes: 1 });
  });

  it('names what is wrong', () => {
    const wrongMagic = idxImages(1);
    wrongMagic[3] = 2;
    expect(() => readIdxHeader(wrongMagic)).toThrow(/magic 0x00000802 is neither images/);
    const wrongSide = idxImages(1);
    wrongSide.writeUInt32BE(27, 12);
    expect(() => readIdxHeader(wrongSide)).toThrow(/images are 28×27, expected 28×28/);
    expect(codeOf(() => readIdxHeader(new Uint8Array()))).toBe('EMPTY');
    expect(codeOf(() => readIdxHeader(Buffer.from([0x1f, 0x8b, 8, 0])))).toBe('BAD_MAGIC');
    expect(codeOf(() => readIdxHeader(Buffer.from([0, 0, 0x0d, 3])))).toBe('BAD_TYPE');
    expect(() => checkIdxSize(readIdxHeader(idxLabels(LABELS)), 8 + 12)).toThrow(/1 trailing bytes/);
  });
});

describe('IDX parser', () => {
  it('returns the data bytes of a well-formed file, whatever the chunking', () => {
    const file = idxImages(4);
    for (const size of [1, 3, 15, 16, 17, 784, file.length]) {
      const parser = new IdxParser();
      for (let o = 0; o < file.length; o += size) parser.push(file.subarray(o, o + size));
      const { header, data } = parser.end();
      expect(header.count).toBe(4);
      expect(Buffer.from(data).equals(file.subarray(16))).toBe(true);
    }
  });

  it('rejects missing bytes, extra bytes and labels above 9', () => {
    const file = idxLabels(LABELS);
    expect(() => parseIdx(file.subarray(0, file.length - 1))).toThrow(
      /declares 11 items \(19 bytes\) but has 18 bytes/,
    );
    expect(codeOf(() => parseIdx(Buffer.concat([file, Buffer.from([0])])))).toBe('TRAILING_BYTES');
    expect(() => parseIdx(idxLabels([1, 2, 10, 4]))).toThrow('label 10 at index 2 is outside 0–9');
    expect(codeOf(() => parseIdx(file.subarray(0, 6)))).toBe('TRUNCATED');
  });

  it('refuses the other kind of file when told what to expect', () => {
    expect(() => parseIdx(idxLabels(LABELS), { expect: 'images' })).toThrow(
      /expected an IDX images file but found labels/,
    );
  });

  it('stays failed after an error', () => {
    const parser = new IdxParser();
    expect(() => parser.push(Buffer.from([1, 2, 3, 4]))).toThrow(IdxError);
    expect(() => parser.push(idxImages(1))).toThrow(/not an IDX file/);
    expect(() => parser.end()).toThrow(/not an IDX file/);
  });

  it('pairs images with labels only when the counts agree', () => {
    const images = parseIdx(idxImages(11));
    const pair = pairIdx(images, parseIdx(idxLabels(LABELS)));
    expect(pair.count).toBe(11);
    expect(pair.labels[10]).toBe(3);
    expect(() => pairIdx(images, parseIdx(idxLabels([1, 2])))).toThrow('11 images but 2 labels');
    expect(codeOf(() => pairIdx(parseIdx(idxImages(0)), parseIdx(idxLabels([]))))).toBe('EMPTY');
  });
});

describe('IdxBytes', () => {
  it('copies any range across chunk boundaries, and joins once', () => {
    const whole = Uint8Array.from({ length: 100 }, (_, i) => i);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1 }),
        fc.nat({ max: 100 }),
        fc.nat({ max: 100 }),
        (sizes, a, b) => {
          const chunks: Uint8Array[] = [];
          for (let o = 0, i = 0; o < whole.length; o += sizes[i % sizes.length]!, i++)
            chunks.push(whole.subarray(o, o + sizes[i % sizes.length]!));
          const bytes = new IdxBytes(chunks);
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect(Array.from(bytes.copy(start, end, new Uint8Array(100)))).toEqual(
            Array.from(whole.subarray(start, end)),
          );
          expect(bytes.toUint8Array()).toEqual(whole);
          expect(bytes.toUint8Array()).toBe(bytes.toUint8Array());
        },
      ),
    );
    expect(() => new IdxBytes([whole]).copy(90, 101, new Uint8Array(20))).toThrow(RangeError);
  });
});

describe('IDX decoding (plain or gzip)', () => {
  const plain = idxImages(5);
  const gz = gzipSync(plain);

  it('parses gzip and plain content alike, in memory or streamed', async () => {
    expect(Buffer.from(decodeIdx(gz).data).equals(plain.subarray(16))).toBe(true);
    expect(decodeIdx(plain).header.count).toBe(5);
    const streamed = await readIdxStream(chunked(gz, [1, 5, 100, 4096]));
    expect(Buffer.from(streamed.data).equals(plain.subarray(16))).toBe(true);
    expect((await readIdxStream(chunked(plain, [1, 2, 3000]))).header.count).toBe(5);
  });

  it('names gzip problems', async () => {
    expect(await asyncCodeOf(() => readIdxStream(chunked(gz.subarray(0, gz.length - 10))))).toBe('TRUNCATED');
    const corrupt = Buffer.from(gz);
    corrupt[corrupt.length - 6]! ^= 0xff; // CRC32 field
    await expect(readIdxStream(chunked(corrupt))).rejects.toThrow(/gzip data is corrupt/);
    expect(() => decodeIdx(plain, { gzipped: true })).toThrow('file is named .gz but is not gzip data');
    expect(await asyncCodeOf(() => readIdxStream(chunked(new Uint8Array())))).toBe('EMPTY');
    expect(await asyncCodeOf(() => readIdxStream(chunked(gzipSync(Buffer.alloc(0)))))).toBe('EMPTY');
    expect(await asyncCodeOf(() => readIdxStream(chunked(Buffer.concat([gz, Buffer.from('junk')]))))).toBe('BAD_GZIP');
  });

  it('stops reading the source as soon as the header is wrong', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.from([9, 9, 9, 9]);
      }
    }
    await expect(readIdxStream(source())).rejects.toThrow(/not an IDX file/);
    expect(pulled).toBeLessThan(3);
  });

  it('passes errors of the source itself through unchanged', async () => {
    async function* failing() {
      yield gz.subarray(0, 100);
      throw new Error('connection reset');
    }
    await expect(readIdxStream(failing())).rejects.toThrow('connection reset');
  });
});

describe('IDX properties', () => {
  const images = idxImages(3);
  const labels = idxLabels(LABELS);
  const files = [images, labels];
  const gzFiles = files.map((f) => gzipSync(f));
  const fileArb = fc.integer({ min: 0, max: 1 });
  const chunkSizes = fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: 5 });

  it('rejects every truncation of a plain or gzipped file, with an IdxError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        chunkSizes,
        async (i, gzipped, cut, sizes) => {
          const file = gzipped ? gzFiles[i]! : files[i]!;
          const end = Math.min(file.length - 1, Math.floor(cut * file.length));
          const bytes = file.subarray(0, end);
          expect(codeOf(() => decodeIdx(bytes))).toMatch(/^(EMPTY|TRUNCATED|BAD_GZIP|BAD_MAGIC)$/);
          expect(await asyncCodeOf(() => readIdxStream(chunked(bytes, sizes)))).toMatch(
            /^(EMPTY|TRUNCATED|BAD_GZIP|BAD_MAGIC)$/,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects any change to a plain header, and any appended bytes', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        (i, at, xor, extra) => {
          const file = Buffer.from(files[i]!);
          const headerBytes = i === 0 ? 16 : 8;
          file[at % headerBytes]! ^= xor;
          expect(codeOf(() => parseIdx(file))).toMatch(
            /^(BAD_MAGIC|BAD_TYPE|BAD_DIMENSIONS|TRUNCATED|TRAILING_BYTES|TOO_LARGE)$/,
          );
          expect(codeOf(() => parseIdx(Buffer.concat([files[i]!, extra])))).toBe('TRAILING_BYTES');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never lets a corrupted gzip byte through as different data: rejected, or decoded unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.nat(), fc.integer({ min: 1, max: 255 }), async (i, at, xor) => {
        const gz = Buffer.from(gzFiles[i]!);
        gz[at % gz.length]! ^= xor;
        // Gzip's CRC32 and length catch changed output; only bytes that change nothing (mtime, OS,
        // the final byte's padding bits) may pass, and then the data must be the original.
        const result = await readIdxStream(chunked(gz, [64])).then(
          (parsed) =>
            Buffer.from(parsed.data).equals(files[i]!.subarray(i === 0 ? 16 : 8))
              ? 'unchanged'
              : 'CHANGED DATA ACCEPTED',
          (e: unknown) => (e instanceof IdxError ? 'rejected' : `not an IdxError: ${String(e)}`),
        );
        expect(result).toMatch(/^(rejected|unchanged)$/);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('rejects a label file with any label above 9', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 50 }),
        fc.nat(),
        fc.integer({ min: 10, max: 255 }),
        (digits, at, bad) => {
          const list = [...digits];
          list.splice(at % (list.length + 1), 0, bad);
          expect(codeOf(() => parseIdx(idxLabels(list)))).toBe('BAD_LABEL');
          expect(parseIdx(idxLabels(digits)).header.count).toBe(digits.length);
        },
      ),
    );
  });

  it('never throws anything but IdxError for arbitrary bytes, plain or gzipped', async () => {
    const prefixed = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0, 0, 8, 3]), b])),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0, 0, 8, 1]), b])),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), b])),
      fc.uint8Array({ maxLength: 64 }).map((b) => gzipSync(b)),
    );
    await fc.assert(
      fc.asyncProperty(prefixed, chunkSizes, async (bytes, sizes) => {
        const sync = codeOf(() => decodeIdx(bytes));
        const streamed = await asyncCodeOf(() => readIdxStream(chunked(bytes, sizes)));
        expect(sync).not.toMatch(/^not an IdxError/);
        expect(streamed).toBe(sync);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('judges a gzip file that ends early by its readable prefix first, in both readers', async () => {
    // Found by the property above: gzip that inflates to a bad header and then stops.
    const bytes = Buffer.from([31, 139, 8, 0, 0, 0, 0, 0, 0, 0, 74, 8, 0, 193]);
    expect(codeOf(() => decodeIdx(bytes))).toBe('BAD_MAGIC');
    expect(await asyncCodeOf(() => readIdxStream(chunked(bytes, [14])))).toBe('BAD_MAGIC');
    const cut = gzipSync(idxLabels(LABELS)).subarray(0, 20);
    expect(codeOf(() => decodeIdx(cut))).toBe(await asyncCodeOf(() => readIdxStream(chunked(cut, [7]))));
  });
});
