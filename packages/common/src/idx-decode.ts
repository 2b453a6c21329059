/**
 * IDX files as they are stored: plain or gzipped (the public MNIST files are .gz). Gzip is told by
 * its content (1f 8b), so a plain file with a .gz name, or the reverse, cannot fool the parser.
 * Decompression problems become IdxError too: callers only ever see one error type for bad bytes.
 */
import { createGunzip, gunzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { IdxError, IdxParser, parseIdx, type IdxData, type IdxParseOptions } from './idx';

export interface IdxDecodeOptions extends IdxParseOptions {
  /** The file's name says .gz: then content that is not gzip is refused rather than parsed. */
  gzipped?: boolean;
}

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function checkContainer(first: Uint8Array, options: IdxDecodeOptions): boolean {
  if (first.length === 0) throw new IdxError('EMPTY', 'file is empty');
  const gz = isGzip(first);
  if (options.gzipped && !gz) throw new IdxError('BAD_GZIP', 'file is named .gz but is not gzip data');
  return gz;
}

/** zlib errors carry codes like Z_DATA_ERROR / Z_BUF_ERROR; anything else is not about the bytes. */
function gzipError(e: unknown): unknown {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return e;
  const message = (e as Error).message;
  return code === 'Z_BUF_ERROR'
    ? new IdxError('TRUNCATED', `gzip data ends early (${message})`)
    : new IdxError('BAD_GZIP', `gzip data is corrupt (${message})`);
}

/** Parse a whole IDX file held in memory, gunzipping it first when it is gzip. */
export function decodeIdx(bytes: Uint8Array, options: IdxDecodeOptions = {}): IdxData {
  if (!checkContainer(bytes, options)) return parseIdx(bytes, options);
  let plain: Buffer;
  try {
    plain = gunzipSync(bytes);
  } catch (e) {
    throw gzipError(e);
  }
  return parseIdx(plain, options);
}

/**
 * Parse an IDX file as it streams in (e.g. an S3 GetObject body), gunzipping on the fly. A bad
 * header or too many bytes stop the stream at once. Errors of the source itself (network) pass
 * through unchanged; everything wrong with the bytes is an IdxError.
 */
export async function readIdxStream(
  source: AsyncIterable<Uint8Array>,
  options: IdxDecodeOptions = {},
): Promise<IdxData> {
  const iterator = source[Symbol.asyncIterator]();
  // Read just enough to tell gzip from plain IDX.
  let first: Uint8Array = new Uint8Array(0);
  let ended = false;
  while (first.length < 2) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    first = first.length === 0 ? next.value : Buffer.concat([first, next.value]);
  }
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    yield first;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  const parser = new IdxParser(options);
  try {
    if (!checkContainer(first, options)) {
      for await (const chunk of rest()) parser.push(chunk);
      return parser.end();
    }
    await pipeline(rest(), createGunzip({ chunkSize: 1024 * 1024 }), async (decoded: AsyncIterable<Buffer>) => {
      for await (const chunk of decoded) parser.push(chunk);
    });
    return parser.end();
  } catch (e) {
    throw gzipError(e);
  } finally {
    // Stop the source (e.g. release the S3 connection) when parsing ended early.
    await iterator.return?.();
  }
}
