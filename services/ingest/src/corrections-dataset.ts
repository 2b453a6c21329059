/**
 * The corrections → the `corrections` dataset, as the four IDX files a user upload of a dataset
 * would bring. The train split holds every training correction so far (learned and pending); the
 * test split only the **new** held-out ones (pending), so the gate judges a retraining on what it
 * has not been judged on before: a flood of wrong labels after good corrections cannot ride on the
 * good ones' gain. A held-out correction is never trained on (isHeldOut is fixed by id). Deterministic: corrections are deduplicated and sorted by id and the files
 * are uncompressed, so the same set of corrections always gives the same bytes and therefore the
 * same dataset version (common's datasetVersion, which preprocess computes from the stored bytes).
 */
import { createHash } from 'node:crypto';
import {
  IDX_KINDS,
  MNIST_FILES,
  SPLITS,
  datasetVersion,
  encodeIdxImages,
  encodeIdxLabels,
  isHeldOut,
  type CorrectionRecord,
  type IdxKind,
  type Split,
} from '@digits/common';

/** MNIST's own file names without .gz (the files are written uncompressed). */
export const CORRECTIONS_FILES: Readonly<Record<Split, Readonly<Record<IdxKind, string>>>> = {
  train: {
    images: MNIST_FILES.train.images.replace(/\.gz$/, ''),
    labels: MNIST_FILES.train.labels.replace(/\.gz$/, ''),
  },
  test: { images: MNIST_FILES.test.images.replace(/\.gz$/, ''), labels: MNIST_FILES.test.labels.replace(/\.gz$/, '') },
};

export interface DatasetFile {
  split: Split;
  kind: IdxKind;
  name: string;
  bytes: Uint8Array;
}

export interface CorrectionsDataset {
  /** The version preprocess will give these four files. */
  version: string;
  /** Train images, train labels, test images, test labels. */
  files: DatasetFile[];
  /** Corrections per split: the new held-out ones (isHeldOut, pending) form the test split. */
  counts: Record<Split, number>;
}

export type DatasetPlan = { ready: true; dataset: CorrectionsDataset } | { ready: false; reason: string };

const byId = (a: CorrectionRecord, b: CorrectionRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The dataset of the `learned` (already in a dataset) and `pending` corrections, or why there is
 * none yet (each split needs at least one). An id in both (a run that crashed while moving) is
 * pending: the re-run builds the same dataset as the run that crashed.
 */
export function buildCorrectionsDataset(
  learned: readonly CorrectionRecord[],
  pending: readonly CorrectionRecord[],
): DatasetPlan {
  const fresh = new Set(pending.map((r) => r.id));
  const sorted = [...new Map([...learned, ...pending].map((r) => [r.id, r])).values()].sort(byId);
  const splits: Record<Split, CorrectionRecord[]> = {
    train: sorted.filter((r) => !isHeldOut(r.id)),
    test: sorted.filter((r) => isHeldOut(r.id) && fresh.has(r.id)),
  };
  const counts = { train: splits.train.length, test: splits.test.length };
  if (counts.train === 0 || counts.test === 0) {
    const lacking = counts.train === 0 ? 'training' : 'new held-out';
    return {
      ready: false,
      reason: `no ${lacking} correction yet (${counts.train} for training, ${counts.test} new held out; ${sorted.length} in all): each split needs one`,
    };
  }
  const files: DatasetFile[] = [];
  for (const split of SPLITS) {
    const images = Buffer.concat(splits[split].map((r) => Buffer.from(r.input, 'base64')));
    const labels = Uint8Array.from(splits[split].map((r) => r.label));
    const bytes = { images: encodeIdxImages(images), labels: encodeIdxLabels(labels) };
    for (const kind of IDX_KINDS) files.push({ split, kind, name: CORRECTIONS_FILES[split][kind], bytes: bytes[kind] });
  }
  const sha = (split: Split, kind: IdxKind) => ({
    sha256: createHash('sha256')
      .update(files.find((f) => f.split === split && f.kind === kind)!.bytes)
      .digest('hex'),
  });
  const version = datasetVersion({
    train: { images: sha('train', 'images'), labels: sha('train', 'labels') },
    test: { images: sha('test', 'images'), labels: sha('test', 'labels') },
  });
  return { ready: true, dataset: { version, files, counts } };
}
