/**
 * Writing IDX files (the reverse of idx.ts): MNIST's images (0x00000803, count × 28 × 28) and
 * labels (0x00000801) files, uncompressed, so the same items always give the same bytes (and so
 * the same dataset version). Whatever the parser would refuse is refused here too.
 *
 * A dataset written as one set of files (its four files replaced together) tags each object with
 * IDX_SET_META = the version those four files make: preprocess waits while the newest files of a
 * dataset carry different tags (a set still being written), instead of processing a mix.
 */
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxError, MAX_IDX_ITEMS, MAX_LABEL } from './idx';
import { IMAGE_SIDE, PIXELS } from './manifest';

/** S3 object metadata (x-amz-meta-idx-set) naming the set of files an IDX object was written with. */
export const IDX_SET_META = 'idx-set';

function idxFile(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims[0]! > MAX_IDX_ITEMS)
    throw new IdxError('TOO_LARGE', `count ${dims[0]} exceeds the limit of ${MAX_IDX_ITEMS} items`);
  const file = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  file.set(data, 4 + 4 * dims.length);
  return file;
}

/** An images file from `pixels`: 28×28 bytes per image, row-major, one image after the other. */
export function encodeIdxImages(pixels: Uint8Array): Uint8Array {
  if (pixels.length % PIXELS !== 0)
    throw new IdxError('TRAILING_BYTES', `${pixels.length} bytes are not a whole number of 28×28 images`);
  return idxFile(IDX_IMAGES_MAGIC, [pixels.length / PIXELS, IMAGE_SIDE, IMAGE_SIDE], pixels);
}

/** A labels file: one byte 0–9 per item. */
export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const bad = labels.findIndex((l) => l > MAX_LABEL);
  if (bad >= 0) throw new IdxError('BAD_LABEL', `label ${labels[bad]} at index ${bad} is outside 0–${MAX_LABEL}`);
  return idxFile(IDX_LABELS_MAGIC, [labels.length], labels);
}
