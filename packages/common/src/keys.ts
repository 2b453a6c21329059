/**
 * The S3 key layout: the one place that says where every object of the pipeline lives.
 *
 *   public     s3://sagemaker-sample-files/datasets/image/MNIST/<mnist file>.gz
 *   inbox      inbox/<dataset>/<file>                       user uploads (S3-triggered)
 *              quarantine/<dataset>/<file>                  rejected upload, moved aside
 *              quarantine/<dataset>/<file>.rejected.json    machine-readable reason
 *   raw        datasets/<dataset>/<file>                    validated IDX (.gz or not), versioned bucket
 *              errors/<dataset>/<input id>.json             preprocess failure record (id: hash of the input keys + ETags)
 *   processed  <dataset>/<version>/{train,test}/part-00000.csv, <dataset>/<version>/manifest.json (last)
 *   artifacts  training/<job>/output/model.tar.gz, registry/models/<job>.json, registry/live.json
 *              registry/deployments/<job>.json              an endpoint change asked for, and how it ended
 */

export const PUBLIC_DATASET = { bucket: 'sagemaker-sample-files', prefix: 'datasets/image/MNIST/' } as const;
export const DEFAULT_DATASET = 'mnist';

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];
/** The two halves of a split: an IDX images file and its labels file. */
export type IdxKind = 'images' | 'labels';
export const IDX_KINDS: readonly IdxKind[] = ['images', 'labels'];

/** The four files AWS publishes, named as in the original MNIST distribution. */
export const MNIST_FILES: Readonly<Record<Split, Readonly<Record<IdxKind, string>>>> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

export const INBOX_PREFIX = 'inbox/';
export const QUARANTINE_PREFIX = 'quarantine/';
export const RAW_PREFIX = 'datasets/';
export const RAW_ERRORS_PREFIX = 'errors/';
export const MANIFEST_FILE = 'manifest.json';
export const REJECTED_SUFFIX = '.rejected.json';
export const TRAINING_OUTPUT_PREFIX = 'training/';
export const REGISTRY_MODELS_PREFIX = 'registry/models/';
export const REGISTRY_LIVE_KEY = 'registry/live.json';
export const REGISTRY_DEPLOYMENTS_PREFIX = 'registry/deployments/';

export class KeyError extends Error {
  override name = 'KeyError';
}

const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/;

/** Dataset names may contain spaces, dots, dashes and underscores; nothing that could escape a prefix. */
export function assertDatasetName(name: string): string {
  if (!DATASET_NAME.test(name) || name.includes('..')) {
    throw new KeyError(`invalid dataset name "${name}": use 1-64 letters, digits, space, '.', '_' or '-'`);
  }
  return name;
}

function assertFileName(name: string): string {
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw new KeyError(`invalid file name "${name}": use 1-128 letters, digits, space, '.', '_' or '-'`);
  }
  return name;
}

export interface IdxFileId {
  split: Split;
  kind: IdxKind;
  /** The name ends in .gz. How the bytes are read is told by the bytes; a .gz name on plain bytes is refused. */
  gzipped: boolean;
}

/**
 * Which half of which split a file holds, from its name: `train-…` or `t10k-…`/`test-…`, then
 * `images`/`labels` (e.g. `train-images-idx3-ubyte.gz`, `test-labels.idx1`). Undefined when unknown.
 */
export function identifyIdxFile(file: string): IdxFileId | undefined {
  const match = /^(train|t10k|test)[-_.](images|labels)\b/i.exec(file);
  if (!match) return undefined;
  const split: Split = match[1]!.toLowerCase() === 'train' ? 'train' : 'test';
  const kind = match[2]!.toLowerCase() as IdxKind;
  return { split, kind, gzipped: /\.gz$/i.test(file) };
}

export interface DatasetFile {
  dataset: string;
  file: string;
}

function parseUnder(prefix: string, key: string): DatasetFile | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length).split('/');
  if (rest.length !== 2) return undefined;
  const [dataset, file] = rest as [string, string];
  try {
    return { dataset: assertDatasetName(dataset), file: assertFileName(file) };
  } catch {
    return undefined;
  }
}

export const inboxKey = (dataset: string, file: string): string =>
  `${INBOX_PREFIX}${assertDatasetName(dataset)}/${assertFileName(file)}`;
export const parseInboxKey = (key: string): DatasetFile | undefined => parseUnder(INBOX_PREFIX, key);

export interface QuarantineKeys {
  /** The rejected upload, moved aside. */
  object: string;
  /** Its machine-readable reason beside it. */
  reason: string;
}

export const quarantineKeys = (dataset: string, file: string): QuarantineKeys => quarantinePath(`${dataset}/${file}`);

/**
 * Where a rejected inbox upload goes: its path below inbox/ mirrored under quarantine/, also for
 * a key that does not parse as inbox/<dataset>/<file> (it is still moved out of the inbox).
 */
export function quarantineKeysFor(key: string): QuarantineKeys {
  const parsed = parseInboxKey(key);
  if (parsed) return quarantineKeys(parsed.dataset, parsed.file);
  return quarantinePath(key.startsWith(INBOX_PREFIX) ? key.slice(INBOX_PREFIX.length) : key);
}

function quarantinePath(path: string): QuarantineKeys {
  const object = `${QUARANTINE_PREFIX}${path}`;
  return { object, reason: `${object}${REJECTED_SUFFIX}` };
}

export const rawKey = (dataset: string, file: string): string =>
  `${RAW_PREFIX}${assertDatasetName(dataset)}/${assertFileName(file)}`;
export const rawDatasetPrefix = (dataset: string): string => `${RAW_PREFIX}${assertDatasetName(dataset)}/`;
export const parseRawKey = (key: string): DatasetFile | undefined => parseUnder(RAW_PREFIX, key);
export const rawErrorKey = (dataset: string, id: string): string => `${RAW_ERRORS_PREFIX}${dataset}/${id}.json`;

export const processedVersionPrefix = (dataset: string, version: string): string =>
  `${assertDatasetName(dataset)}/${version}/`;

export function shardKey(dataset: string, version: string, split: Split, index: number): string {
  return `${processedVersionPrefix(dataset, version)}${split}/part-${String(index).padStart(5, '0')}.csv`;
}

export const manifestKey = (dataset: string, version: string): string =>
  `${processedVersionPrefix(dataset, version)}${MANIFEST_FILE}`;

export function parseManifestKey(key: string): { dataset: string; version: string } | undefined {
  const parts = key.split('/');
  if (parts.length !== 3 || parts[2] !== MANIFEST_FILE) return undefined;
  const [dataset, version] = parts as [string, string];
  if (!DATASET_NAME.test(dataset) || !/^[a-z0-9-]{1,64}$/.test(version)) return undefined;
  return { dataset, version };
}

export const modelRecordKey = (trainingJobName: string): string => `${REGISTRY_MODELS_PREFIX}${trainingJobName}.json`;
