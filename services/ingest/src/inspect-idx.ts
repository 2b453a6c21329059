import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { IdxError, checkIdxSize, readIdxHeader, type IdxHeader } from '@digits/common';

/** Enough bytes for any MNIST IDX header (images: magic + 3 sizes; labels need 8). */
export const IDX_HEADER_PEEK = 16;

export interface IdxInspection {
  header: IdxHeader;
  /** Uncompressed size in bytes. */
  size: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const stopReading = Symbol('header read');

/**
 * Read an IDX file from a stream (gunzipping on the way when `gzipped`), check its header and that
 * its uncompressed size is exactly what the header declares. Nothing is buffered beyond the
 * header; a file that runs past its declared size is refused as soon as it does, so a gzip bomb
 * costs at most the declared size (itself capped by MAX_IDX_ITEMS).
 * With `headerOnly`, stop once the header is read (used for files already accepted).
 */
export async function inspectIdxStream(
  body: Readable,
  { gzipped, headerOnly = false }: { gzipped: boolean; headerOnly?: boolean },
): Promise<IdxInspection> {
  const peek: Buffer[] = [];
  let peeked = 0;
  let header: IdxHeader | undefined;
  let size = 0;

  // Our own verdict, kept aside: pipeline() may report it as a generic AbortError instead.
  let verdict: unknown;
  async function consume(chunks: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const chunk of chunks) {
        size += chunk.length;
        if (!header) {
          peek.push(chunk);
          peeked += chunk.length;
          if (peeked < IDX_HEADER_PEEK) continue;
          header = parseHeader(Buffer.concat(peek).subarray(0, IDX_HEADER_PEEK), gzipped);
          if (headerOnly) throw stopReading;
        }
        if (size > header.totalBytes) checkIdxSize(header, size);
      }
    } catch (error) {
      verdict = error;
      throw error;
    }
  }

  try {
    await (gzipped ? pipeline(body, createGunzip(), consume) : pipeline(body, consume));
  } catch (error) {
    if (verdict === stopReading) return { header: header!, size };
    if (verdict !== undefined) throw verdict;
    if (isZlibError(error)) throw new IdxError('BAD_GZIP', `not a complete gzip file: ${(error as Error).message}`);
    throw error;
  }
  header ??= parseHeader(Buffer.concat(peek), gzipped);
  if (!headerOnly) checkIdxSize(header, size);
  return { header, size };
}

/** Check the header of a plain (not gzipped) IDX file from its first bytes and its stored size. */
export function inspectIdxPrefix(firstBytes: Uint8Array, size: number): IdxInspection {
  const header = parseHeader(firstBytes, false);
  checkIdxSize(header, size);
  return { header, size };
}

function parseHeader(bytes: Uint8Array, gzipped: boolean): IdxHeader {
  let header: IdxHeader;
  try {
    header = readIdxHeader(bytes);
  } catch (error) {
    // A gzip file uploaded without the .gz suffix is a common slip: say so.
    if (
      !gzipped &&
      error instanceof IdxError &&
      error.code === 'BAD_MAGIC' &&
      bytes[0] === GZIP_MAGIC[0] &&
      bytes[1] === GZIP_MAGIC[1]
    ) {
      throw new IdxError(
        'BAD_MAGIC',
        `${error.message} (the data is gzip-compressed: name the file with a .gz suffix)`,
      );
    }
    throw error;
  }
  if (header.count === 0) throw new IdxError('EMPTY', `${header.kind} file declares no items`);
  return header;
}

const isZlibError = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');
