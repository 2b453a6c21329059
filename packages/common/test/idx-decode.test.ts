/**
 * The two streaming modes of one IDX reader: readIdxStream (preprocess keeps the data) and the
 * header-only inspectIdxStream (ingest's verdict on an upload). Whatever ingest accepts,
 * preprocess reads; whatever preprocess refuses, ingest refuses with the same code.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { IdxError } from '../src/idx';
import { inspectIdxStream, readIdxStream } from '../src/idx-decode';
import { chunked, idxImages, idxLabels } from './idx-fixtures';

/** An IDX header with any magic and sizes, then `data`. */
function idxFile(magic: number, dims: number[], data: Uint8Array = new Uint8Array(0)): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof IdxError) return error.code;
    throw error;
  }
}

const images = idxImages(3);
const gz = gzipSync(images);

/** [case, expected code, bytes, named .gz] */
const cases: Array<[string, string, Buffer, boolean]> = [
  ['3 images', 'ACCEPTED', images, false],
  ['3 images gzipped', 'ACCEPTED', gz, true],
  ['gzip named without .gz', 'ACCEPTED', gz, false],
  ['5 labels gzipped', 'ACCEPTED', gzipSync(idxLabels([0, 1, 2, 3, 9])), true],
  ['plain bytes named .gz', 'BAD_GZIP', images, true],
  ['gzip that ends early', 'TRUNCATED', gz.subarray(0, gz.length - 10), true],
  ['corrupt gzip', 'BAD_GZIP', Buffer.concat([gz.subarray(0, 10), Buffer.alloc(40, 0xff)]), true],
  ['empty', 'EMPTY', Buffer.alloc(0), false],
  ['wrong magic (PNG)', 'BAD_MAGIC', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), false],
  ['float element type', 'BAD_TYPE', idxFile(0x00000d03, [1, 28, 28], new Uint8Array(784)), false],
  ['32×32 images', 'BAD_DIMENSIONS', idxFile(0x00000803, [1, 32, 32], new Uint8Array(1024)), false],
  ['images missing a byte', 'TRUNCATED', images.subarray(0, images.length - 1), false],
  ['gzipped images with a trailing byte', 'TRAILING_BYTES', gzipSync(Buffer.concat([images, Buffer.of(0)])), true],
  ['header cut short', 'TRUNCATED', images.subarray(0, 10), false],
  ['gzipped labels above 9', 'BAD_LABEL', gzipSync(idxLabels([1, 12])), true],
  ['plain labels above 9', 'BAD_LABEL', idxLabels([1, 12]), false],
  ['absurd declared count', 'TOO_LARGE', idxFile(0x00000801, [2_000_000_000]), false],
];

describe('inspectIdxStream agrees with readIdxStream', () => {
  it.each(cases)('%s → %s', async (_name, expected, bytes, gzipped) => {
    expect(await codeOf(readIdxStream(chunked(bytes, [5]), { gzipped }))).toBe(expected);
    expect(await codeOf(inspectIdxStream(chunked(bytes, [5]), { gzipped }))).toBe(expected);
    // As ingest calls it: with the object's stored size (plain images are then judged by the header).
    expect(await codeOf(inspectIdxStream(chunked(bytes, [5]), { gzipped, storedSize: bytes.length }))).toBe(expected);
  });
});

describe('inspectIdxStream', () => {
  it('reports the header and whether the content was gzip', async () => {
    expect(await inspectIdxStream(chunked(gz, [7]))).toMatchObject({
      header: { kind: 'images', count: 3, rows: 28, cols: 28 },
      gzipped: true,
    });
    expect((await inspectIdxStream(chunked(images))).gzipped).toBe(false);
  });

  it('refuses a file that declares no items (preprocess cannot use it)', async () => {
    expect(await codeOf(inspectIdxStream(chunked(idxLabels([]))))).toBe('EMPTY');
  });

  it('judges plain images by their header and stored size, without reading the pixels', async () => {
    const big = idxImages(100);
    let read = 0;
    const source = Readable.from(chunked(big, [64])).on('data', (c: Buffer) => (read += c.length));
    expect((await inspectIdxStream(source, { storedSize: big.length })).header.count).toBe(100);
    expect(read).toBeLessThan(1024);
    expect(await codeOf(inspectIdxStream(chunked(big, [64]), { storedSize: big.length - 784 }))).toBe('TRUNCATED');
  });

  it('headerOnly stops after the header and checks nothing else', async () => {
    const cut = gzipSync(images.subarray(0, 100));
    expect((await inspectIdxStream(chunked(cut), { headerOnly: true })).header.count).toBe(3);
  });

  it('stops at a declared size overrun instead of inflating the rest (gzip bomb)', async () => {
    // One image declared, 20 MB of zeros behind it: refused after the first overrun, not after 20 MB.
    const bomb = gzipSync(Buffer.concat([idxImages(1), Buffer.alloc(20 * 1024 * 1024)]));
    let read = 0;
    const source = Readable.from(chunked(bomb, [1024])).on('data', (c: Buffer) => (read += c.length));
    expect(await codeOf(inspectIdxStream(source))).toBe('TRAILING_BYTES');
    expect(read).toBeLessThan(bomb.length);
  });

  it('passes on errors of the source stream unchanged (not a verdict on the file)', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(inspectIdxStream(failing)).rejects.toThrow('socket hang up');
  });
});
