import { createHash } from 'node:crypto';
import type { IdxKind, Split } from './keys';
import { isCount, isObject, parseJsonText } from './json-checks';

/**
 * The processed-data manifest: written last into `<dataset>/<version>/manifest.json`, so its
 * presence means every shard it lists is complete. Training reads only what it lists.
 */
export const MANIFEST_SCHEMA_VERSION = 1;
export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

/** SageMaker built-in CSV convention: label first, then 784 pixels 0–255 row-major, no header. */
export const CSV_FORMAT = {
  contentType: 'text/csv',
  header: false,
  labelColumn: 0,
  columns: 1 + PIXELS,
  imageShape: [IMAGE_SIDE, IMAGE_SIDE],
  pixelRange: [0, 255],
} as const;

export interface SourceObject {
  bucket: string;
  key: string;
  etag: string;
  versionId?: string;
  size: number;
  /** sha256 of the object's bytes as stored (compressed if gzipped). */
  sha256: string;
}

export interface ShardRef {
  key: string;
  rows: number;
  bytes: number;
}

export interface SplitManifest {
  rows: number;
  /** classCounts[d] = number of rows labelled d. */
  classCounts: number[];
  shards: ShardRef[];
  sources: Record<IdxKind, SourceObject>;
}

export interface Manifest {
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  dataset: string;
  version: string;
  bucket: string;
  createdAt: string;
  format: typeof CSV_FORMAT;
  splits: Record<Split, SplitManifest>;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/**
 * A version is a function of the input bytes only: the same four files always map to the same
 * version (so duplicate events converge), different files to a different one.
 */
export function datasetVersion(sources: Record<Split, Record<IdxKind, Pick<SourceObject, 'sha256'>>>): string {
  const h = createHash('sha256');
  for (const split of ['train', 'test'] as const) {
    for (const kind of ['images', 'labels'] as const) h.update(`${split}/${kind}:${sources[split][kind].sha256}\n`);
  }
  return `v-${h.digest('hex').slice(0, 16)}`;
}

function fail(path: string, what: string): never {
  throw new ManifestError(`manifest ${path}: ${what}`);
}

function checkSplit(split: string, v: unknown): SplitManifest {
  if (!isObject(v)) fail(`splits.${split}`, 'missing');
  if (!isCount(v.rows)) fail(`splits.${split}.rows`, 'must be a non-negative integer');
  const counts = v.classCounts;
  if (!Array.isArray(counts) || counts.length !== NUM_CLASSES || !counts.every(isCount)) {
    fail(`splits.${split}.classCounts`, `must be ${NUM_CLASSES} non-negative integers`);
  }
  if (counts.reduce((a: number, b: number) => a + b, 0) !== v.rows)
    fail(`splits.${split}.classCounts`, 'do not sum to rows');
  const shards = v.shards;
  if (!Array.isArray(shards) || shards.length === 0) fail(`splits.${split}.shards`, 'must be a non-empty list');
  shards.forEach((s, i) => {
    if (!isObject(s) || typeof s.key !== 'string' || !isCount(s.rows) || !isCount(s.bytes)) {
      fail(`splits.${split}.shards[${i}]`, 'must have key, rows and bytes');
    }
  });
  if (shards.reduce((a: number, s: ShardRef) => a + s.rows, 0) !== v.rows)
    fail(`splits.${split}.shards`, 'rows do not sum to rows');
  if (!isObject(v.sources) || !isObject(v.sources.images) || !isObject(v.sources.labels)) {
    fail(`splits.${split}.sources`, 'must name the images and labels objects');
  }
  return v as unknown as SplitManifest;
}

/** How preprocess stores a manifest (pretty JSON: people read them too); parseManifest reads it back. */
export const encodeManifest = (manifest: Manifest): string => JSON.stringify(manifest, null, 2);

/** Parse and check a manifest read from S3; throws ManifestError naming the first bad field. */
export function parseManifest(input: unknown): Manifest {
  const v = typeof input === 'string' ? parseJsonText(input, 'manifest', ManifestError) : input;
  if (!isObject(v)) fail('', 'is not a JSON object');
  if (v.schemaVersion !== MANIFEST_SCHEMA_VERSION) fail('schemaVersion', `must be ${MANIFEST_SCHEMA_VERSION}`);
  for (const field of ['dataset', 'version', 'bucket', 'createdAt'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') fail(field, 'must be a non-empty string');
  }
  if (!isObject(v.splits)) fail('splits', 'missing');
  checkSplit('train', v.splits.train);
  checkSplit('test', v.splits.test);
  return v as unknown as Manifest;
}
