/**
 * IDX files as they are stored: plain or gzipped (the public MNIST files are .gz). Gzip is told by
 * its content (1f 8b), never by the name: a gzip file named without .gz is read like any other,
 * and a plain file named .gz is refused. Decompression problems become IdxError too (one mapping:
 * data ending early is TRUNCATED, anything else BAD_GZIP), so callers only ever see one error type
 * for bad bytes. Two modes over one reader: readIdxStream keeps the data (preprocess),
 * inspectIdxStream checks a file without keeping it (ingest's verdict on an upload).
 */
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { IdxError, IdxParser, checkIdxSize, parseIdx, type IdxData, type IdxHeader, type IdxParseOptions } from './idx';

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
    const error = gzipError(e);
    if (error instanceof IdxError && error.code === 'TRUNCATED') checkTruncatedPrefix(bytes, options);
    throw error;
  }
  return parseIdx(plain, options);
}

/**
 * A gzip file that ends early may already hold a bad IDX header: the streaming reader sees that
 * header before the end, so the in-memory reader must judge the readable prefix first too (one
 * verdict for the same bytes, whichever reader runs).
 */
function checkTruncatedPrefix(bytes: Uint8Array, options: IdxDecodeOptions): void {
  let prefix: Buffer;
  try {
    prefix = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return;
  }
  new IdxParser(options).push(prefix);
}

/** Thrown inside the reader to stop it once enough is known; never seen by callers. */
const STOP = Symbol('enough read');

/**
 * Feed an IDX file as it streams in (e.g. an S3 GetObject body) to `parser`, gunzipping on the fly
 * when its first bytes say gzip, until the stream ends or `enough(gzipped)` says so. Errors of the
 * source itself (network) pass through unchanged; everything wrong with the bytes is an IdxError.
 * The source is stopped when reading ends early (releasing e.g. the S3 connection).
 */
async function feedIdxStream(
  source: AsyncIterable<Uint8Array>,
  parser: IdxParser,
  options: IdxDecodeOptions,
  enough: (gzipped: boolean) => boolean = () => false,
): Promise<{ gzipped: boolean; stopped: boolean }> {
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
  let gzipped = false;
  // Our own verdict, kept aside: pipeline() may report it as a generic AbortError instead.
  let verdict: unknown;
  const consume = async (chunks: AsyncIterable<Uint8Array>): Promise<void> => {
    try {
      for await (const chunk of chunks) {
        parser.push(chunk);
        if (enough(gzipped)) throw STOP;
      }
    } catch (e) {
      verdict = e;
      throw e;
    }
  };
  try {
    gzipped = checkContainer(first, options);
    if (gzipped) await pipeline(rest(), createGunzip({ chunkSize: 1024 * 1024 }), consume);
    else await consume(rest());
    return { gzipped, stopped: false };
  } catch (e) {
    if (verdict === STOP) return { gzipped, stopped: true };
    throw gzipError(verdict instanceof IdxError ? verdict : e);
  } finally {
    await iterator.return?.();
  }
}

/**
 * Parse an IDX file as it streams in, gunzipping on the fly. A bad header or too many bytes stop
 * the stream at once.
 */
export async function readIdxStream(
  source: AsyncIterable<Uint8Array>,
  options: IdxDecodeOptions = {},
): Promise<IdxData> {
  const parser = new IdxParser(options);
  await feedIdxStream(source, parser, options);
  return parser.end();
}

export interface IdxInspectOptions extends IdxDecodeOptions {
  /** Stop once the header is read and checked: the rest is neither read nor checked. */
  headerOnly?: boolean;
  /**
   * The stored object's size. A plain images file is then judged by its header and this size
   * alone, without reading its pixels (no pixel value can be wrong).
   */
  storedSize?: number;
}

export interface IdxInspection {
  header: IdxHeader;
  gzipped: boolean;
}

/**
 * The header-only mode: check an IDX file as readIdxStream would (same header, size, label and
 * gzip checks, same errors) while holding none of its data, and stop reading as soon as the
 * verdict is known. A file running past its declared size is refused the moment it does, so a
 * gzip bomb costs at most the declared size (itself capped by MAX_IDX_ITEMS). A file that declares
 * no items is refused (EMPTY): preprocess would refuse the pair.
 */
export async function inspectIdxStream(
  source: AsyncIterable<Uint8Array>,
  { headerOnly = false, storedSize, ...options }: IdxInspectOptions = {},
): Promise<IdxInspection> {
  const parser = new IdxParser({ ...options, retain: false });
  const { gzipped, stopped } = await feedIdxStream(source, parser, options, (gz) => {
    const header = parser.header;
    if (!header) return false;
    if (header.count === 0) throw new IdxError('EMPTY', `${header.kind} file declares no items`);
    if (headerOnly) return true;
    if (gz || storedSize === undefined || header.kind !== 'images') return false;
    checkIdxSize(header, storedSize);
    return true;
  });
  return { header: stopped ? parser.header! : parser.end().header, gzipped };
}
