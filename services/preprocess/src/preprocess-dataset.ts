/**
 * One dataset in the raw bucket → one processed version. Safe under at-least-once, out-of-order
 * and concurrent delivery:
 *  - every run decides from a fresh listing of the dataset, never from the event alone;
 *  - the version is a hash of the four input files' bytes, so shard keys and contents are the same
 *    for every run on the same input, and a run finding that version's manifest does nothing;
 *  - files written as one set (tagged IDX_SET_META) are processed only once all four carry the same
 *    tag, never as a mix of a set and the one it replaces;
 *  - all four files are read and checked before anything is written, so bad input leaves nothing
 *    in the processed bucket, only an error record;
 *  - the manifest is written last, and only once (conditional put), so its presence means every
 *    shard it lists is complete.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CSV_FORMAT,
  IDX_KINDS,
  IdxError,
  MANIFEST_SCHEMA_VERSION,
  SPLITS,
  datasetVersion,
  encodeManifest,
  isNotFound,
  isPreconditionFailed,
  listRawFiles,
  manifestKey,
  pairIdx,
  shardKey,
  type IdxPair,
  type Logger,
  type Manifest,
  type RawFile,
  type SourceObject,
  type Split,
  type IdxKind,
} from '@digits/common';
import type { PreprocessConfig } from './config';
import { convertSplits } from './convert';
import { writeErrorRecord, type FileProblem, type PreprocessErrorRecord } from './error-record';
import { SourceRejected, readSource, type LoadedSource } from './read-source';
import { chooseSources } from './sources';
import { splitStatistics, writeStatistics } from './statistics';
import { NO_METRICS, type FunctionMetrics } from '@digits/lambda-kit';

export interface PreprocessDeps {
  s3: S3Client;
  config: Pick<PreprocessConfig, 'processedBucket' | 'shardRows'>;
  log: Logger;
  metrics?: FunctionMetrics;
  now?: () => Date;
}

export type PreprocessOutcome =
  | { status: 'waiting'; dataset: string; missing: string[] }
  | { status: 'exists'; dataset: string; version: string; manifestKey: string }
  | { status: 'written'; dataset: string; version: string; manifestKey: string; manifest: Manifest }
  | { status: 'rejected'; dataset: string; errorKey: string; record: PreprocessErrorRecord };

export async function preprocessDataset(
  deps: PreprocessDeps,
  rawBucket: string,
  dataset: string,
): Promise<PreprocessOutcome> {
  const { s3, config, log } = deps;
  const metrics = deps.metrics ?? NO_METRICS;
  const now = deps.now ?? (() => new Date());

  const choice = chooseSources(await listRawFiles(s3, rawBucket, dataset));
  if (!choice.complete) {
    for (const file of choice.missing) log.info(`waiting for ${file}`, { dataset, file });
    return { status: 'waiting', dataset, missing: choice.missing };
  }
  const files: RawFile[] = SPLITS.flatMap((split) => IDX_KINDS.map((kind) => choice.sources[split][kind]));

  // Read and check all four before writing anything.
  const problems: FileProblem[] = [];
  const settled = await Promise.allSettled(files.map((file) => readSource(s3, rawBucket, file)));
  const loaded: LoadedSource[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') loaded.push(result.value);
    else if (result.reason instanceof SourceRejected) {
      const { file, idxError } = result.reason;
      problems.push({ file: file.file, key: file.key, code: idxError.code, reason: idxError.message });
    } else throw result.reason; // S3 or network trouble: let the invocation fail and be retried
  }
  // Files written as one set (e.g. ingest's corrections) are replaced one by one: until the four
  // carry the same tag, the set is still being written, and its last file's event will come.
  if (problems.length === 0 && new Set(loaded.map((l) => l.set)).size > 1) {
    const missing = loaded.map((l) => `${l.file.file} (set ${l.set ?? 'none'})`);
    log.info('waiting for the rest of a set being written', { dataset, files: missing });
    return { status: 'waiting', dataset, missing };
  }
  const pairs = {} as Record<Split, IdxPair>;
  const sources = {} as Record<Split, Record<IdxKind, SourceObject>>;
  if (problems.length === 0) {
    for (const split of SPLITS) {
      const images = loaded.find((l) => l.file.split === split && l.file.kind === 'images')!;
      const labels = loaded.find((l) => l.file.split === split && l.file.kind === 'labels')!;
      sources[split] = { images: images.object, labels: labels.object };
      try {
        pairs[split] = pairIdx(images.idx, labels.idx);
      } catch (e) {
        if (!(e instanceof IdxError)) throw e;
        problems.push({
          file: labels.file.file,
          key: labels.file.key,
          code: e.code,
          reason: `${images.file.file} and ${labels.file.file} do not match: ${e.message}`,
          files: [images.file.file, labels.file.file],
        });
      }
    }
  }
  if (problems.length > 0) {
    const { key, record } = await writeErrorRecord(s3, rawBucket, dataset, files, problems, now());
    for (const p of problems)
      log.error(`rejected ${p.file}: ${p.reason}`, {
        dataset,
        file: p.file,
        key: p.key,
        code: p.code,
        errorRecord: key,
      });
    metrics.count('DatasetsRejected');
    return { status: 'rejected', dataset, errorKey: key, record };
  }

  const version = datasetVersion(sources);
  const mKey = manifestKey(dataset, version);
  if (await objectExists(s3, config.processedBucket, mKey)) {
    log.info('version already processed', { dataset, version, manifest: mKey });
    return { status: 'exists', dataset, version, manifestKey: mKey };
  }

  const started = Date.now();
  const converted = await convertSplits(
    pairs,
    async ({ split, index, csv }) => {
      const Key = shardKey(dataset, version, split, index);
      await s3.send(
        new PutObjectCommand({
          Bucket: config.processedBucket,
          Key,
          Body: csv,
          ContentLength: csv.length,
          ContentType: CSV_FORMAT.contentType,
        }),
      );
      return Key;
    },
    { shardRows: config.shardRows },
  );
  // Beside the manifest and before it: a manifest's presence still means everything it goes with is there.
  const statistics = await writeStatistics(s3, config.processedBucket, dataset, version, splitStatistics(pairs.train));
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    dataset,
    version,
    bucket: config.processedBucket,
    createdAt: now().toISOString(),
    format: CSV_FORMAT,
    splits: {
      train: { ...converted.train, sources: sources.train },
      test: { ...converted.test, sources: sources.test },
    },
  };
  const won = await putIfAbsent(s3, config.processedBucket, mKey, encodeManifest(manifest));
  const seconds = (Date.now() - started) / 1000;
  metrics.count('ImagesProcessed', manifest.splits.train.rows + manifest.splits.test.rows);
  metrics.seconds('PreprocessSeconds', seconds);
  log.info(won ? 'version written' : 'version written by a concurrent run', {
    dataset,
    version,
    manifest: mKey,
    trainRows: manifest.splits.train.rows,
    testRows: manifest.splits.test.rows,
    shards: manifest.splits.train.shards.length + manifest.splits.test.shards.length,
    statistics,
    seconds,
  });
  return { status: 'written', dataset, version, manifestKey: mKey, manifest };
}

async function objectExists(s3: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** Write the manifest unless one is already there (S3 conditional write); false when another run won. */
async function putIfAbsent(s3: S3Client, Bucket: string, Key: string, body: string): Promise<boolean> {
  try {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }));
    return true;
  } catch (e) {
    if (isPreconditionFailed(e)) return false;
    throw e;
  }
}
