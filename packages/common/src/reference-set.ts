/**
 * The stage's reference evaluation set: one labelled image set (by default the canonical MNIST
 * test set, 10,000 images) that every training job is scored on, so the quality gate compares
 * candidate and live model on the same images, class by class. Stored in the processed bucket in
 * the pipeline's CSV format, under a prefix no dataset can be named (dataset names start with a
 * letter or digit), so no upload can write it:
 *
 *   _reference/<version>/data/part-00000.csv …   the shards (the training job's `reference` channel)
 *   _reference/<version>/reference.json           its manifest, written after the shards
 *   _reference/current.json                       which version this stage judges models on
 *
 * The version is a hash of the CSV content: the same images always have the same version.
 * Writer (ingest's import), readers (training service, trainer) and scores all live here.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isPreconditionFailed } from './aws-errors';
import { encodeCsvRows, type CsvSource } from './csv-shard';
import { CSV_FORMAT, NUM_CLASSES, type ShardRef } from './manifest';
import { putJsonText, readObjectText } from './s3-objects';
import { isCount, isObject, isRate, parseJsonText } from './json-checks';

export const REFERENCE_PREFIX = '_reference/';
export const REFERENCE_POINTER_KEY = `${REFERENCE_PREFIX}current.json`;
export const REFERENCE_MANIFEST_FILE = 'reference.json';
/** The training job's input channel that carries the reference shards (beside `train` and `test`). */
export const REFERENCE_CHANNEL = 'reference';
export const REFERENCE_SCHEMA_VERSION = 1;
/** Rows per shard: 10,000 MNIST test images make two shards of ~8 MB. */
export const REFERENCE_SHARD_ROWS = 5_000;
const VERSION = /^r-[0-9a-f]{16}$/;

export class ReferenceSetError extends Error {
  override name = 'ReferenceSetError';
}

export const isReferenceVersion = (v: unknown): v is string => typeof v === 'string' && VERSION.test(v);

function checkedVersion(version: string): string {
  if (!isReferenceVersion(version))
    throw new ReferenceSetError(`"${version}" is not a reference set version (r-<16 hex digits>)`);
  return version;
}

/** Folder of one version: its manifest and data/ — the S3 prefix of the `reference` channel. */
export const referenceVersionPrefix = (version: string): string => `${REFERENCE_PREFIX}${checkedVersion(version)}/`;
const referenceDataPrefix = (version: string): string => `${referenceVersionPrefix(version)}data/`;
export const referenceShardKey = (version: string, index: number): string =>
  `${referenceDataPrefix(version)}part-${String(index).padStart(5, '0')}.csv`;
export const referenceManifestKey = (version: string): string =>
  `${referenceVersionPrefix(version)}${REFERENCE_MANIFEST_FILE}`;

/** Where the images came from (the public IDX objects, with their ETags). */
export interface ReferenceSource {
  images: string;
  labels: string;
}

export interface ReferenceManifest {
  schemaVersion: typeof REFERENCE_SCHEMA_VERSION;
  kind: 'reference-set';
  version: string;
  /** A human name: `mnist-t10k` for the default set. */
  name: string;
  rows: number;
  classCounts: number[];
  shards: ShardRef[];
  format: typeof CSV_FORMAT;
  source: ReferenceSource;
  createdAt: string;
}

/** _reference/current.json: the version models are judged on, and why it became that. */
export interface ReferencePointer {
  version: string;
  setAt: string;
  reason: string;
  /** The version it replaced, if any. */
  previous?: string;
}

/** A model's scores on one reference version (in metadata.json and the registry record). */
export interface ReferenceScores {
  version: string;
  rows: number;
  accuracy: number;
  perClassAccuracy: number[];
  /** confusionMatrix[actual][predicted] */
  confusionMatrix: number[][];
}

export function parseReferenceManifest(text: string, where = REFERENCE_MANIFEST_FILE): ReferenceManifest {
  const v = parseJsonText(text, where, ReferenceSetError);
  const bad = (what: string): never => {
    throw new ReferenceSetError(`${where}: ${what}`);
  };
  if (!isObject(v) || v.kind !== 'reference-set' || v.schemaVersion !== REFERENCE_SCHEMA_VERSION)
    bad(`not a reference set manifest (kind "reference-set", schemaVersion ${REFERENCE_SCHEMA_VERSION})`);
  const m = v as Record<string, unknown>;
  if (!isReferenceVersion(m.version)) bad('version must be r-<16 hex digits>');
  if (!isCount(m.rows) || m.rows === 0) bad('rows must be a positive count');
  const counts = m.classCounts;
  if (!Array.isArray(counts) || counts.length !== NUM_CLASSES || !counts.every(isCount))
    bad(`classCounts must be ${NUM_CLASSES} counts`);
  if ((counts as number[]).reduce((a, b) => a + b, 0) !== m.rows) bad('classCounts do not sum to rows');
  const shards = m.shards;
  if (!Array.isArray(shards) || shards.length === 0) bad('shards must be a non-empty list');
  for (const s of shards as unknown[])
    if (!isObject(s) || typeof s.key !== 'string' || !isCount(s.rows) || !isCount(s.bytes))
      bad('every shard needs key, rows and bytes');
  if ((shards as ShardRef[]).reduce((a, s) => a + s.rows, 0) !== m.rows) bad('shard rows do not sum to rows');
  return v as unknown as ReferenceManifest;
}

export function parseReferencePointer(text: string, where = REFERENCE_POINTER_KEY): ReferencePointer {
  const v = parseJsonText(text, where, ReferenceSetError);
  if (!isObject(v) || !isReferenceVersion(v.version) || typeof v.setAt !== 'string' || typeof v.reason !== 'string')
    throw new ReferenceSetError(`${where} is not a reference pointer: needs version (r-…), setAt and reason`);
  return v as unknown as ReferencePointer;
}

/** Checks scores as any reader receives them; `where` names their place in errors. */
export function parseReferenceScores(v: unknown, where: string): ReferenceScores {
  const bad = (what: string): never => {
    throw new ReferenceSetError(`${where}: ${what}`);
  };
  if (!isObject(v)) return bad('reference scores must be an object');
  if (!isReferenceVersion(v.version)) bad('reference.version must be r-<16 hex digits>');
  if (!isCount(v.rows) || v.rows === 0) bad('reference.rows must be a positive count');
  if (!isRate(v.accuracy)) bad('reference.accuracy must be a number in 0..1');
  const perClass = v.perClassAccuracy;
  if (!Array.isArray(perClass) || perClass.length !== NUM_CLASSES || !perClass.every(isRate))
    bad(`reference.perClassAccuracy must be ${NUM_CLASSES} numbers in 0..1`);
  const matrix = v.confusionMatrix;
  if (
    !Array.isArray(matrix) ||
    matrix.length !== NUM_CLASSES ||
    !matrix.every((row) => Array.isArray(row) && row.length === NUM_CLASSES && row.every(isCount))
  )
    bad(`reference.confusionMatrix must be ${NUM_CLASSES}×${NUM_CLASSES} counts`);
  return v as unknown as ReferenceScores;
}

/** A reference set encoded as shards, named by its content. */
export interface EncodedReferenceSet {
  version: string;
  rows: number;
  classCounts: number[];
  shards: Array<{ csv: Buffer; rows: number }>;
}

/** Encode labelled images as the pipeline's CSV shards; the version is the sha256 of the CSV bytes. */
export function encodeReferenceSet(source: CsvSource, rows: number): EncodedReferenceSet {
  if (rows <= 0) throw new ReferenceSetError('a reference set needs at least one image');
  const hash = createHash('sha256');
  const shards: EncodedReferenceSet['shards'] = [];
  for (let start = 0; start < rows; start += REFERENCE_SHARD_ROWS) {
    const end = Math.min(rows, start + REFERENCE_SHARD_ROWS);
    const csv = encodeCsvRows(source, start, end);
    hash.update(csv);
    shards.push({ csv, rows: end - start });
  }
  const classCounts = new Array<number>(NUM_CLASSES).fill(0);
  for (const label of source.labels.subarray(0, rows)) classCounts[label]!++;
  return { version: `r-${hash.digest('hex').slice(0, 16)}`, rows, classCounts, shards };
}

const putJson = (s3: S3Client, bucket: string, key: string, value: unknown, condition = {}) =>
  putJsonText(s3, bucket, key, `${JSON.stringify(value, null, 2)}\n`, condition);

/** The stage's current reference pointer (and its ETag); undefined before the first import. */
export async function readReferencePointer(
  s3: S3Client,
  bucket: string,
): Promise<{ pointer: ReferencePointer; etag?: string } | undefined> {
  const found = await readObjectText(s3, bucket, REFERENCE_POINTER_KEY);
  return (
    found && {
      pointer: parseReferencePointer(found.value, `s3://${bucket}/${REFERENCE_POINTER_KEY}`),
      etag: found.etag,
    }
  );
}

export async function readReferenceManifest(
  s3: S3Client,
  bucket: string,
  version: string,
): Promise<ReferenceManifest | undefined> {
  const key = referenceManifestKey(version);
  const found = await readObjectText(s3, bucket, key);
  return found && parseReferenceManifest(found.value, `s3://${bucket}/${key}`);
}

/**
 * Store a reference set's shards, then its manifest (so a manifest means complete shards). A
 * version already stored is left as it is: its content is its name.
 */
export async function writeReferenceSet(
  s3: S3Client,
  bucket: string,
  set: EncodedReferenceSet,
  meta: { name: string; source: ReferenceSource; now: Date },
): Promise<{ manifest: ReferenceManifest; written: boolean }> {
  const existing = await readReferenceManifest(s3, bucket, set.version);
  if (existing) return { manifest: existing, written: false };
  const shards: ShardRef[] = [];
  for (const [i, shard] of set.shards.entries()) {
    const key = referenceShardKey(set.version, i);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: shard.csv,
        ContentLength: shard.csv.length,
        ContentType: CSV_FORMAT.contentType,
      }),
    );
    shards.push({ key, rows: shard.rows, bytes: shard.csv.length });
  }
  const manifest: ReferenceManifest = {
    schemaVersion: REFERENCE_SCHEMA_VERSION,
    kind: 'reference-set',
    version: set.version,
    name: meta.name,
    rows: set.rows,
    classCounts: set.classCounts,
    shards,
    format: CSV_FORMAT,
    source: meta.source,
    createdAt: meta.now.toISOString(),
  };
  await putJson(s3, bucket, referenceManifestKey(set.version), manifest);
  return { manifest, written: true };
}

/**
 * Point the stage at `version`: only if nothing is set yet (`replace` absent), or, when replacing,
 * only if the pointer is still the one read (a racing change fails with 412 → ReferenceSetError).
 * The stored version must exist. Returns the pointer now in force and whether this call set it.
 */
export async function setReferencePointer(
  s3: S3Client,
  bucket: string,
  version: string,
  { reason, now, replace = false }: { reason: string; now: Date; replace?: boolean },
): Promise<{ pointer: ReferencePointer; changed: boolean }> {
  if (!(await readReferenceManifest(s3, bucket, version)))
    throw new ReferenceSetError(`no reference set ${version} in s3://${bucket}/${REFERENCE_PREFIX}`);
  const current = await readReferencePointer(s3, bucket);
  if (current && (current.pointer.version === version || !replace)) return { pointer: current.pointer, changed: false };
  const pointer: ReferencePointer = {
    version,
    setAt: now.toISOString(),
    reason,
    ...(current ? { previous: current.pointer.version } : {}),
  };
  try {
    await putJson(
      s3,
      bucket,
      REFERENCE_POINTER_KEY,
      pointer,
      current ? { IfMatch: current.etag } : { IfNoneMatch: '*' },
    );
  } catch (e) {
    if (isPreconditionFailed(e))
      throw new ReferenceSetError(`${REFERENCE_POINTER_KEY} changed while being set; read it and try again`);
    throw e;
  }
  return { pointer, changed: true };
}
