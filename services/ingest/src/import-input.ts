/**
 * The optional input of `sls invoke -f importPublicDataset`: `{ "bucket": "...", "prefix": "..." }`,
 * overriding where the four MNIST files are read from, and `"replaceReference": "<why>"` to make
 * that source's test set the stage's reference set. Anything else is refused with a clear error
 * (a typo such as `prefx` must not silently import from the default place).
 */
import { PermanentError } from '@digits/lambda-kit';

export interface ImportSource {
  bucket: string;
  prefix: string;
}

/** The import cannot be done as asked (bad input, or a source that is incomplete or forbidden): permanent. */
export class ImportError extends PermanentError {
  override name = 'ImportError';
}

// S3 bucket naming rules (3-63 chars, lowercase letters, digits, dots, hyphens; starts/ends alphanumeric).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ALLOWED_FIELDS = ['bucket', 'prefix', 'replaceReference'];
const MAX_REASON = 500;

export interface ImportRequest {
  source: ImportSource;
  /** Why the stage's reference set is to become this source's test set (absent: keep it). */
  replaceReference?: string;
}

export function parseImportRequest(input: unknown, defaults: ImportSource): ImportRequest {
  const source = parseImportInput(input, defaults);
  const reason = (input as { replaceReference?: unknown } | undefined)?.replaceReference;
  if (reason === undefined) return { source };
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON)
    throw new ImportError(
      `input "replaceReference" must say why the reference set changes (1-${MAX_REASON} characters), got ${describe(reason)}`,
    );
  return { source, replaceReference: reason.trim() };
}

export function parseImportInput(input: unknown, defaults: ImportSource): ImportSource {
  // `sls invoke` without --data delivers {} (or nothing at all).
  if (input === undefined || input === null || input === '') input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ImportError(`input must be an object like {"bucket": "...", "prefix": "..."}, got ${describe(input)}`);
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !ALLOWED_FIELDS.includes(k));
  if (unknown.length > 0) {
    throw new ImportError(
      `unknown input field(s) ${unknown.map((k) => `"${k}"`).join(', ')}: only "bucket", "prefix" and "replaceReference" are accepted`,
    );
  }
  const { bucket = defaults.bucket, prefix = defaults.prefix } = fields;
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new ImportError(
      `input "bucket" must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got ${describe(bucket)}`,
    );
  }
  if (typeof prefix !== 'string' || prefix.length > 900 || prefix.startsWith('/')) {
    throw new ImportError(
      `input "prefix" must be a key prefix string (no leading '/', at most 900 characters), got ${describe(prefix)}`,
    );
  }
  // A prefix names a folder: "datasets/image/MNIST" and "datasets/image/MNIST/" mean the same place.
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

const describe = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v === null ? 'null' : typeof v);
