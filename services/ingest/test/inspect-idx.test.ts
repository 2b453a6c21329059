import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { IdxError } from '@digits/common';
import { inspectIdxPrefix, inspectIdxStream } from '../src/inspect-idx';
import { idxFile, idxImages, idxLabels } from './support/idx-bytes';

/** Deliver bytes in small chunks, as a network body would, so the header may span chunks. */
const chunked = (bytes: Buffer, size = 5): Readable =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)),
  );

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof IdxError) return error.code;
    throw error;
  }
}

describe('inspectIdxStream', () => {
  const gz = gzipSync(idxImages(3));
  const cases: Array<[string, string, Buffer, boolean]> = [
    ['3 images', 'ACCEPTED', idxImages(3), false],
    ['3 images gzipped', 'ACCEPTED', gz, true],
    ['5 labels', 'ACCEPTED', idxLabels([0, 1, 2, 3, 9]), false],
    ['5 labels gzipped', 'ACCEPTED', gzipSync(idxLabels([0, 1, 2, 3, 9])), true],
    ['truncated gzip', 'BAD_GZIP', gz.subarray(0, gz.length - 10), true],
    ['plain bytes named .gz', 'BAD_GZIP', idxImages(1), true],
    ['empty stream', 'EMPTY', Buffer.alloc(0), false],
    ['gzip of nothing', 'EMPTY', gzipSync(Buffer.alloc(0)), true],
    ['wrong magic (PNG)', 'BAD_MAGIC', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), false],
    ['float element type', 'BAD_TYPE', idxFile(0x00000d03, [1, 28, 28], new Uint8Array(784)), false],
    ['32×32 images', 'BAD_DIMENSIONS', idxImages(1, { rows: 32, cols: 32 }), false],
    ['images missing a byte', 'TRUNCATED', idxImages(2, { missing: 1 }), false],
    ['images with a trailing byte', 'TRAILING_BYTES', gzipSync(idxImages(2, { extra: 1 })), true],
    ['header cut short', 'TRUNCATED', idxImages(1).subarray(0, 10), false],
    ['labels declaring no items', 'EMPTY', idxLabels([]), false],
    ['absurd declared count', 'TOO_LARGE', idxFile(0x00000801, [2_000_000_000]), false],
  ];

  it.each(cases)('%s → %s', async (_name, expected, bytes, gzipped) => {
    expect(await codeOf(inspectIdxStream(chunked(bytes), { gzipped }))).toBe(expected);
  });

  it('reports the header and the uncompressed size of an accepted file', async () => {
    const { header, size } = await inspectIdxStream(chunked(gz, 7), { gzipped: true });
    expect(header).toMatchObject({ kind: 'images', count: 3, rows: 28, cols: 28 });
    expect(size).toBe(16 + 3 * 784);
  });

  it('stops at a declared size overrun instead of inflating the rest (gzip bomb)', async () => {
    // One image declared, 20 MB of zeros behind it: refused after the first overrun, not after 20 MB.
    const bomb = gzipSync(Buffer.concat([idxImages(1), Buffer.alloc(20 * 1024 * 1024)]));
    let read = 0;
    const source = chunked(bomb, 1024).on('data', (c: Buffer) => (read += c.length));
    expect(await codeOf(inspectIdxStream(source, { gzipped: true }))).toBe('TRAILING_BYTES');
    expect(read).toBeLessThan(bomb.length);
  });

  it('headerOnly reads the header without checking the size', async () => {
    const { header } = await inspectIdxStream(chunked(gzipSync(idxImages(2, { missing: 100 }))), {
      gzipped: true,
      headerOnly: true,
    });
    expect(header.count).toBe(2);
  });

  it('says so when a gzip file lacks the .gz suffix', async () => {
    await expect(inspectIdxStream(chunked(gz), { gzipped: false })).rejects.toThrow(
      /gzip-compressed: name the file with a \.gz suffix/,
    );
  });

  it('passes on errors of the source stream unchanged (not a verdict on the file)', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(inspectIdxStream(failing, { gzipped: true })).rejects.toThrow('socket hang up');
  });
});

describe('inspectIdxPrefix (plain files: 16 bytes + stored size)', () => {
  it('accepts a header whose declared size matches the object size', () => {
    expect(inspectIdxPrefix(idxImages(4).subarray(0, 16), 16 + 4 * 784).header.count).toBe(4);
  });

  it('rejects a declared count the object size cannot hold', () => {
    expect(() => inspectIdxPrefix(idxImages(4).subarray(0, 16), 16 + 3 * 784)).toThrow(/declares 4 items/);
  });
});
