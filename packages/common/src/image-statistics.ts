/**
 * Image statistics of a set of 28×28 digits: what model monitoring compares. Preprocess records
 * them for each dataset it writes (`<dataset>/<version>/statistics.json`, beside the manifest, from
 * the training split); monitoring computes the same from captured requests and compares the two.
 * One implementation for both sides, so a difference is the data's, never the code's.
 *
 * Per image: ink mass (mean intensity), bounding box of the ink (width, height), centre of mass.
 * Per set: a fixed-bin histogram of each, the mean image and (when known) the label counts.
 */
import { IMAGE_SIDE, NUM_CLASSES, PIXELS } from './manifest';

export const STATISTICS_SCHEMA_VERSION = 1;
export const STATISTICS_FILE = 'statistics.json';
/** A pixel is ink above this intensity (0–1). */
export const INK_THRESHOLD = 0.2;

export const statisticsKey = (dataset: string, version: string): string => `${dataset}/${version}/${STATISTICS_FILE}`;

export type FeatureName = 'inkMass' | 'bboxWidth' | 'bboxHeight' | 'centreX' | 'centreY';
export type ImageFeatures = Record<FeatureName, number>;

/** Equal-width bins over [min, max]; a value outside falls in the first or last bin. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** The bins of each feature: fixed, so statistics computed anywhere can be compared. */
export const FEATURE_BINS: Readonly<Record<FeatureName, { min: number; max: number; bins: number }>> = {
  inkMass: { min: 0, max: 1, bins: 25 },
  bboxWidth: { min: 0, max: IMAGE_SIDE, bins: 14 },
  bboxHeight: { min: 0, max: IMAGE_SIDE, bins: 14 },
  centreX: { min: 0, max: IMAGE_SIDE, bins: 14 },
  centreY: { min: 0, max: IMAGE_SIDE, bins: 14 },
};
export const FEATURES = Object.keys(FEATURE_BINS) as FeatureName[];

export interface ImageStatistics {
  schemaVersion: typeof STATISTICS_SCHEMA_VERSION;
  count: number;
  features: Record<FeatureName, Histogram>;
  /** Mean intensity of each pixel (0–1), row-major, 784 values. */
  meanImage: number[];
  /** labels[d] = images labelled d, when the set is labelled. */
  labels?: number[];
}

/** Features of one image; `scale` is the value of full ink (255 for bytes, 1 for 0–1 floats). */
export function imageFeatures(pixels: ArrayLike<number>, scale = 1): ImageFeatures {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  let minX = IMAGE_SIDE;
  let minY = IMAGE_SIDE;
  let maxX = -1;
  let maxY = -1;
  const ink = INK_THRESHOLD * scale;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const v = pixels[y * IMAGE_SIDE + x]!;
      mass += v;
      sx += v * x;
      sy += v * y;
      if (v > ink) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  const centre = IMAGE_SIDE / 2;
  return {
    inkMass: mass / scale / PIXELS,
    bboxWidth: maxX < 0 ? 0 : maxX - minX + 1,
    bboxHeight: maxY < 0 ? 0 : maxY - minY + 1,
    centreX: mass > 0 ? sx / mass : centre,
    centreY: mass > 0 ? sy / mass : centre,
  };
}

function bin(value: number, spec: { min: number; max: number; bins: number }): number {
  const i = Math.floor(((value - spec.min) / (spec.max - spec.min)) * spec.bins);
  return Math.min(spec.bins - 1, Math.max(0, i));
}

/** Adds images one at a time (a shard is never held whole); `result()` gives the statistics. */
export class StatisticsAccumulator {
  private count = 0;
  private readonly sums = new Float64Array(PIXELS);
  private readonly histograms = Object.fromEntries(
    FEATURES.map((f) => [f, new Array<number>(FEATURE_BINS[f].bins).fill(0)]),
  ) as Record<FeatureName, number[]>;
  private labels: number[] | undefined;

  /** `scale`: 255 for bytes, 1 for 0–1 floats; `label` when known. */
  add(pixels: ArrayLike<number>, scale: number, label?: number): void {
    this.count++;
    for (let i = 0; i < PIXELS; i++) this.sums[i]! += pixels[i]! / scale;
    const features = imageFeatures(pixels, scale);
    for (const f of FEATURES) this.histograms[f][bin(features[f], FEATURE_BINS[f])]!++;
    if (label !== undefined) (this.labels ??= new Array<number>(NUM_CLASSES).fill(0))[label]!++;
  }

  result(): ImageStatistics {
    const n = Math.max(1, this.count);
    return {
      schemaVersion: STATISTICS_SCHEMA_VERSION,
      count: this.count,
      features: Object.fromEntries(
        FEATURES.map((f) => [f, { min: FEATURE_BINS[f].min, max: FEATURE_BINS[f].max, counts: this.histograms[f] }]),
      ) as Record<FeatureName, Histogram>,
      meanImage: Array.from(this.sums, (s) => Math.round((s / n) * 1e4) / 1e4),
      ...(this.labels ? { labels: this.labels } : {}),
    };
  }
}

export class StatisticsError extends Error {
  override name = 'StatisticsError';
}

/** A statistics.json, checked: every feature's histogram with the expected bins, a 784-value mean image. */
export function parseImageStatistics(text: string, where: string): ImageStatistics {
  let v: ImageStatistics;
  try {
    v = JSON.parse(text) as ImageStatistics;
  } catch (e) {
    throw new StatisticsError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (v?.schemaVersion !== STATISTICS_SCHEMA_VERSION)
    throw new StatisticsError(`${where}: schemaVersion is not ${STATISTICS_SCHEMA_VERSION}`);
  for (const f of FEATURES) {
    if (v.features?.[f]?.counts?.length !== FEATURE_BINS[f].bins)
      throw new StatisticsError(`${where}: feature ${f} does not have ${FEATURE_BINS[f].bins} bins`);
  }
  if (v.meanImage?.length !== PIXELS) throw new StatisticsError(`${where}: meanImage does not have ${PIXELS} values`);
  return v;
}
