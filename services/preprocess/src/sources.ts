/**
 * Choosing a dataset's four IDX files from the raw bucket's listing (@digits/common's
 * listRawFiles). Events only say that *a* file arrived, in any order and possibly twice, so every
 * run lists the dataset's prefix and decides from what is there now: the newest candidate for
 * each of train/test × images/labels.
 */
import { IDX_KINDS, MNIST_FILES, SPLITS, type IdxKind, type RawFile, type Split } from '@digits/common';

export type SourceSet = Record<Split, Record<IdxKind, RawFile>>;

export type SourceChoice = { complete: true; sources: SourceSet } | { complete: false; missing: string[] };

/** The newest file for each slot, or the names of the slots still missing (in MNIST's file names). */
export function chooseSources(files: readonly RawFile[]): SourceChoice {
  const missing: string[] = [];
  const chosen: Partial<Record<Split, Partial<Record<IdxKind, RawFile>>>> = {};
  for (const split of SPLITS) {
    chosen[split] = {};
    for (const kind of IDX_KINDS) {
      const newest = files
        .filter((f) => f.split === split && f.kind === kind)
        // Newest wins; equal times fall back to the key so every run picks the same file.
        .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || (a.key < b.key ? -1 : 1))[0];
      if (newest) chosen[split]![kind] = newest;
      else missing.push(MNIST_FILES[split][kind]);
    }
  }
  return missing.length ? { complete: false, missing } : { complete: true, sources: chosen as SourceSet };
}
