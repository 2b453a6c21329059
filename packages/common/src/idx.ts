/**
 * IDX format (the MNIST container): 4-byte magic [0, 0, type, ndims], then ndims big-endian
 * uint32 sizes, then the data. MNIST uses type 0x08 (unsigned byte): images 0x00000803
 * (count × 28 × 28), labels 0x00000801 (count). All failures throw IdxError with a code.
 */
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

export type IdxKindName = 'images' | 'labels';

export interface IdxHeader {
  kind: IdxKindName;
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
  if (bytes.length === 0) throw new IdxError('EMPTY', 'file is empty');
  if (bytes.length < 4) throw new IdxError('TRUNCATED', `file ends inside the IDX magic (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError('BAD_MAGIC', `not an IDX file: magic 0x${hex(magic)} does not start with two zero bytes`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new IdxError('BAD_TYPE', `IDX element type 0x${bytes[2]!.toString(16).padStart(2, '0')} is not unsigned byte (0x08)`);
  }
  const ndims = bytes[3]!;
  if (magic !== IDX_IMAGES_MAGIC && magic !== IDX_LABELS_MAGIC) {
    throw new IdxError('BAD_MAGIC', `IDX magic 0x${hex(magic)} is neither images (0x00000803) nor labels (0x00000801): ${ndims} dimensions`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new IdxError('TRUNCATED', `file ends inside the IDX header (${bytes.length} of ${headerBytes} bytes)`);
  const count = view.getUint32(4, false);
  if (count > MAX_IDX_ITEMS) throw new IdxError('TOO_LARGE', `declared count ${count} exceeds the limit of ${MAX_IDX_ITEMS}`);
  if (magic === IDX_LABELS_MAGIC) {
    return { kind: 'labels', magic, count, headerBytes, itemBytes: 1, totalBytes: headerBytes + count };
  }
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new IdxError('BAD_DIMENSIONS', `images are ${rows}×${cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  const itemBytes = rows * cols;
  return { kind: 'images', magic, count, rows, cols, headerBytes, itemBytes, totalBytes: headerBytes + count * itemBytes };
}

/** Check that a file of `size` bytes holds exactly what its header declares. */
export function checkIdxSize(header: IdxHeader, size: number): void {
  if (size < header.totalBytes) {
    throw new IdxError('TRUNCATED', `${header.kind} file declares ${header.count} items (${header.totalBytes} bytes) but has ${size} bytes`);
  }
  if (size > header.totalBytes) {
    throw new IdxError('TRAILING_BYTES', `${header.kind} file declares ${header.count} items (${header.totalBytes} bytes) but has ${size - header.totalBytes} trailing bytes`);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
