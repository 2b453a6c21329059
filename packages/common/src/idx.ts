/**
 * IDX format (the MNIST container): 4-byte magic [0, 0, type, ndims], then ndims big-endian
 * uint32 sizes, then the data. MNIST uses type 0x08 (unsigned byte): images 0x00000803
 * (count × 28 × 28), labels 0x00000801 (count). All failures throw IdxError with a code.
 */
import type { IdxKind } from './keys';
import { IMAGE_SIDE } from './manifest';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
const UNSIGNED_BYTE = 0x08;

export type IdxErrorCode =
  | 'EMPTY'
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'BAD_MAGIC'
  | 'BAD_TYPE'
  | 'BAD_DIMENSIONS'
  | 'BAD_LABEL'
  | 'COUNT_MISMATCH'
  | 'BAD_GZIP'
  | 'TOO_LARGE';

export class IdxError extends Error {
  override name = 'IdxError';
  constructor(
    readonly code: IdxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface IdxHeader {
  kind: IdxKind;
  magic: number;
  count: number;
  /** Image height and width (images only). */
  rows?: number;
  cols?: number;
  headerBytes: number;
  /** Bytes per item: 784 for a 28×28 image, 1 for a label. */
  itemBytes: number;
  /** headerBytes + count × itemBytes: the exact size a well-formed file has. */
  totalBytes: number;
}

/** Refuse declared counts beyond this (a hostile header must not make us allocate gigabytes). */
export const MAX_IDX_ITEMS = 1_000_000;

/** Parse and check an MNIST IDX header from the first bytes of a file (16 suffice for images, 8 for labels). */
export function readIdxHeader(bytes: Uint8Array): IdxHeader {
  checkIdxMagic(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const headerBytes = 4 + 4 * bytes[3]!;
  if (bytes.length < headerBytes)
    throw new IdxError('TRUNCATED', `file ends inside the IDX header (${bytes.length} of ${headerBytes} bytes)`);
  const count = view.getUint32(4, false);
  if (count > MAX_IDX_ITEMS)
    throw new IdxError('TOO_LARGE', `declared count ${count} exceeds the limit of ${MAX_IDX_ITEMS}`);
  if (magic === IDX_LABELS_MAGIC) {
    return { kind: 'labels', magic, count, headerBytes, itemBytes: 1, totalBytes: headerBytes + count };
  }
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new IdxError('BAD_DIMENSIONS', `images are ${rows}×${cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  const itemBytes = rows * cols;
  return {
    kind: 'images',
    magic,
    count,
    rows,
    cols,
    headerBytes,
    itemBytes,
    totalBytes: headerBytes + count * itemBytes,
  };
}

/** Check the 4-byte magic (so a wrong file is rejected before its header is complete). */
function checkIdxMagic(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new IdxError('EMPTY', 'file is empty');
  if (bytes.length < 4) throw new IdxError('TRUNCATED', `file ends inside the IDX magic (${bytes.length} bytes)`);
  const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError('BAD_MAGIC', `not an IDX file: magic 0x${hex(magic)} does not start with two zero bytes`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new IdxError(
      'BAD_TYPE',
      `IDX element type 0x${bytes[2]!.toString(16).padStart(2, '0')} is not unsigned byte (0x08)`,
    );
  }
  if (magic !== IDX_IMAGES_MAGIC && magic !== IDX_LABELS_MAGIC) {
    throw new IdxError(
      'BAD_MAGIC',
      `IDX magic 0x${hex(magic)} is neither images (0x00000803) nor labels (0x00000801): ${bytes[3]} dimensions`,
    );
  }
}

/** Check that a file of `size` bytes holds exactly what its header declares. */
export function checkIdxSize(header: IdxHeader, size: number): void {
  if (size < header.totalBytes) {
    throw new IdxError(
      'TRUNCATED',
      `${header.kind} file declares ${header.count} items (${header.totalBytes} bytes) but has ${size} bytes`,
    );
  }
  if (size > header.totalBytes) {
    throw new IdxError(
      'TRAILING_BYTES',
      `${header.kind} file declares ${header.count} items (${header.totalBytes} bytes) but has ${size - header.totalBytes} trailing bytes`,
    );
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Bytes kept as the chunks they arrived in: a parsed 47 MB images file costs no second copy
 * (fresh memory is the slow part of preprocessing on a VM). Copy ranges out, or join once.
 * The chunks are referenced, not copied: whoever pushed them must not reuse them.
 */
export class IdxBytes {
  readonly length: number;
  private readonly offsets: number[] = [];
  private joined: Uint8Array | undefined;

  constructor(private readonly chunks: readonly Uint8Array[]) {
    let length = 0;
    for (const chunk of chunks) {
      this.offsets.push(length);
      length += chunk.length;
    }
    this.length = length;
  }

  /** Bytes [start, end) copied into `target` (which must hold them); returns the filled part. */
  copy(start: number, end: number, target: Uint8Array): Uint8Array {
    if (start < 0 || end > this.length || start > end)
      throw new RangeError(`range [${start}, ${end}) is outside 0..${this.length}`);
    let i = this.chunkAt(start);
    let written = 0;
    for (let at = start; at < end; i++) {
      const chunk = this.chunks[i]!;
      const from = at - this.offsets[i]!;
      const take = Math.min(chunk.length - from, end - at);
      target.set(chunk.subarray(from, from + take), written);
      written += take;
      at += take;
    }
    return target.subarray(0, written);
  }

  /** All bytes in one array (made on first use, then kept). */
  toUint8Array(): Uint8Array {
    if (!this.joined) {
      this.joined = this.chunks.length === 1 ? this.chunks[0]! : this.copy(0, this.length, new Uint8Array(this.length));
    }
    return this.joined;
  }

  /** Index of the chunk holding byte `at` (binary search over the chunk offsets). */
  private chunkAt(at: number): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** A whole, validated IDX file: its header and exactly `count × itemBytes` data bytes. */
export interface IdxData {
  header: IdxHeader;
  bytes: IdxBytes;
  /** The data bytes in one array (joined on first use). */
  readonly data: Uint8Array;
}

export interface IdxParseOptions {
  /** Reject a file of the other kind (e.g. labels where the name says images). */
  expect?: IdxKind;
  /**
   * Keep the data bytes (default). Without them the parser still checks everything (header, size,
   * labels) but holds nothing: the inspection of an upload costs no memory per byte.
   */
  retain?: boolean;
}

/** Labels are digits: any byte above this is rejected. */
export const MAX_LABEL = 9;

/**
 * Incremental IDX parser: feed the (decompressed) bytes in chunks of any size with `push`, then
 * call `end`. The magic and header are checked as soon as they arrive, extra bytes and labels
 * above 9 are refused the moment they arrive, and `end` refuses missing bytes.
 * Every failure is an IdxError; after one, the parser stays failed. Data chunks are kept by
 * reference (see IdxBytes).
 */
export class IdxParser {
  private readonly head = new Uint8Array(16);
  private headLength = 0;
  private parsedHeader: IdxHeader | undefined;
  private readonly chunks: Uint8Array[] = [];
  private dataLength = 0;
  private dataBytes = 0;
  private failure: IdxError | undefined;

  constructor(private readonly options: IdxParseOptions = {}) {}

  /** The checked header, once its bytes have arrived. */
  get header(): IdxHeader | undefined {
    return this.parsedHeader;
  }

  push(chunk: Uint8Array): this {
    if (this.failure) throw this.failure;
    try {
      this.accept(chunk);
    } catch (e) {
      this.failure = e as IdxError;
      throw e;
    }
    return this;
  }

  end(): IdxData {
    if (this.failure) throw this.failure;
    try {
      return this.finish();
    } catch (e) {
      this.failure = e as IdxError;
      throw e;
    }
  }

  private accept(chunk: Uint8Array): void {
    let offset = 0;
    while (!this.parsedHeader && offset < chunk.length) {
      const wanted = this.headLength < 4 ? 4 : 4 + 4 * this.head[3]!;
      const take = Math.min(wanted - this.headLength, chunk.length - offset);
      this.head.set(chunk.subarray(offset, offset + take), this.headLength);
      this.headLength += take;
      offset += take;
      if (this.headLength === 4) checkIdxMagic(this.head.subarray(0, 4));
      if (this.headLength === wanted && this.headLength > 4)
        this.startData(readIdxHeader(this.head.subarray(0, this.headLength)));
    }
    if (offset === chunk.length) return;
    const header = this.parsedHeader!;
    const data = offset === 0 ? chunk : chunk.subarray(offset);
    if (this.dataLength + data.length > this.dataBytes) {
      throw new IdxError(
        'TRAILING_BYTES',
        `${header.kind} file declares ${header.count} items (${header.totalBytes} bytes) but has more bytes after them`,
      );
    }
    if (header.kind === 'labels') checkLabels(data, this.dataLength);
    if (this.options.retain !== false) this.chunks.push(data);
    this.dataLength += data.length;
  }

  private startData(header: IdxHeader): void {
    const expected = this.options.expect;
    if (expected && header.kind !== expected) {
      throw new IdxError(
        'BAD_MAGIC',
        `expected an IDX ${expected} file but found ${header.kind} (magic 0x${hex(header.magic)})`,
      );
    }
    this.parsedHeader = header;
    this.dataBytes = header.count * header.itemBytes;
  }

  private finish(): IdxData {
    if (!this.parsedHeader) {
      // Throws EMPTY / TRUNCATED / BAD_MAGIC for whatever part of the header did arrive.
      readIdxHeader(this.head.subarray(0, this.headLength));
      throw new IdxError('TRUNCATED', 'file ends inside the IDX header');
    }
    const header = this.parsedHeader;
    checkIdxSize(header, header.headerBytes + this.dataLength);
    const bytes = new IdxBytes(this.chunks);
    return {
      header,
      bytes,
      get data() {
        return bytes.toUint8Array();
      },
    };
  }
}

/** `labels` are the labels from index `first` on. */
function checkLabels(labels: Uint8Array, first: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > MAX_LABEL) {
      throw new IdxError('BAD_LABEL', `label ${labels[i]} at index ${first + i} is outside 0–${MAX_LABEL}`);
    }
  }
}

/** Parse a complete, uncompressed IDX file held in memory. */
export function parseIdx(bytes: Uint8Array, options: IdxParseOptions = {}): IdxData {
  return new IdxParser(options).push(bytes).end();
}

/** One split of MNIST: `count` images of 784 bytes (row-major) and their labels, checked as a pair. */
export interface IdxPair {
  count: number;
  images: IdxBytes;
  labels: Uint8Array;
}

/** Join an images file and a labels file, refusing a pair whose counts differ. */
export function pairIdx(images: IdxData, labels: IdxData): IdxPair {
  if (images.header.kind !== 'images')
    throw new IdxError('BAD_MAGIC', `expected an IDX images file, got ${images.header.kind}`);
  if (labels.header.kind !== 'labels')
    throw new IdxError('BAD_MAGIC', `expected an IDX labels file, got ${labels.header.kind}`);
  if (images.header.count !== labels.header.count) {
    throw new IdxError('COUNT_MISMATCH', `${images.header.count} images but ${labels.header.count} labels`);
  }
  if (images.header.count === 0) throw new IdxError('EMPTY', 'the files declare no images');
  return { count: images.header.count, images: images.bytes, labels: labels.data };
}
