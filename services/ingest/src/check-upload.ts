import {
  CORRECTIONS_DATASET,
  INBOX_PREFIX,
  IdxError,
  assertDatasetName,
  identifyIdxFile,
  parseInboxKey,
  type IdxHeader,
  type IdxInspection,
  type IdxKind,
  type Split,
} from '@digits/common';
import { Rejection } from './rejection';

export interface AcceptedUpload {
  dataset: string;
  file: string;
  split: Split;
  kind: IdxKind;
  /** Told by the content (gzip magic), not the name. */
  gzipped: boolean;
  header: IdxHeader;
}

/** The other half of a split already accepted for the dataset (images for labels, and the reverse). */
export interface Counterpart {
  key: string;
  count: number;
}

export interface UploadChecks {
  /** Read the stored object and check it as preprocess will (throws IdxError); `gzipped`: the name ends in .gz. */
  inspect(gzipped: boolean): Promise<IdxInspection>;
  /** Files of `kind` for `split` already accepted into `dataset`. */
  counterparts(dataset: string, split: Split, kind: IdxKind): Promise<Counterpart[]>;
}

const other = (kind: IdxKind): IdxKind => (kind === 'images' ? 'labels' : 'images');

/**
 * Decide whether an inbox upload may enter the raw bucket. Throws a Rejection naming what is
 * wrong; errors reading S3 propagate unchanged (the event is retried, nothing is decided).
 */
export async function checkUpload(
  { key, size }: { key: string; size: number },
  checks: UploadChecks,
): Promise<AcceptedUpload> {
  const parsed = parseInboxKey(key);
  if (!parsed) throw new Rejection('BAD_KEY', badKeyReason(key));
  const { dataset, file } = parsed;
  // Any case: "Corrections" beside "corrections" would only confuse whoever reads the buckets.
  if (dataset.toLowerCase() === CORRECTIONS_DATASET)
    throw new Rejection(
      'RESERVED_DATASET',
      `dataset name "${CORRECTIONS_DATASET}" is reserved: the pipeline writes that dataset from the corrections users send on the page; upload under another name`,
    );
  const id = identifyIdxFile(file);
  if (!id) {
    throw new Rejection(
      'UNKNOWN_FILE',
      `file name "${file}" does not say what it holds: expected (train|t10k|test)-(images|labels)…, e.g. train-images-idx3-ubyte.gz`,
    );
  }
  if (size === 0) throw new Rejection('EMPTY', 'upload is 0 bytes');

  let inspection: IdxInspection;
  try {
    inspection = await checks.inspect(id.gzipped);
  } catch (error) {
    if (error instanceof IdxError) throw new Rejection(error.code, error.message);
    throw error;
  }
  const { header, gzipped } = inspection;
  if (header.kind !== id.kind) {
    throw new Rejection(
      'KIND_MISMATCH',
      `file name "${file}" says ${id.kind} but its IDX header is ${header.kind} (magic 0x${header.magic.toString(16).padStart(8, '0')})`,
    );
  }
  for (const counterpart of await checks.counterparts(dataset, id.split, other(id.kind))) {
    if (counterpart.count !== header.count) {
      throw new Rejection(
        'COUNT_MISMATCH',
        `${id.kind} file declares ${header.count} items but ${counterpart.key} (${other(id.kind)}, already accepted) declares ${counterpart.count}; ` +
          `upload matching files, or both under a new dataset name`,
      );
    }
  }
  return { dataset, file, split: id.split, kind: id.kind, gzipped, header };
}

function badKeyReason(key: string): string {
  const rest = key.startsWith(INBOX_PREFIX) ? key.slice(INBOX_PREFIX.length) : key;
  const parts = rest.split('/');
  if (parts.length !== 2)
    return `key "${key}" is not ${INBOX_PREFIX}<dataset>/<file> (found ${parts.length - 1} '/' after ${INBOX_PREFIX})`;
  try {
    assertDatasetName(parts[0]!);
  } catch (error) {
    return (error as Error).message;
  }
  return `invalid file name "${parts[1]}": use 1-128 letters, digits, space, '.', '_' or '-'`;
}
