import type { IdxErrorCode } from '@digits/common';

/**
 * Why an inbox upload was refused. IDX-level codes come from @digits/common's IdxError; the rest
 * are about the upload itself.
 */
export type RejectionCode =
  | IdxErrorCode
  /** key is not inbox/<dataset>/<file> with a valid dataset and file name */
  | 'BAD_KEY'
  /** the dataset name is the pipeline's own (corrections: written only from users' corrections) */
  | 'RESERVED_DATASET'
  /** the file name does not say which split and half it is (train|t10k|test)-(images|labels) */
  | 'UNKNOWN_FILE'
  /** the name says images but the header says labels, or the reverse */
  | 'KIND_MISMATCH';

export class Rejection extends Error {
  override name = 'Rejection';
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** The machine-readable record written beside a quarantined upload (`<object>.rejected.json`). */
export interface RejectionRecord {
  dataset: string | null;
  file: string;
  /** The inbox key the upload arrived under. */
  sourceKey: string;
  code: RejectionCode;
  reason: string;
  size: number;
  etag: string;
  rejectedAt: string;
}
