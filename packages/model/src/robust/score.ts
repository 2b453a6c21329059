/**
 * Scoring a classifier on the corruption suite: every image is corrupted, encoded as an upload and
 * sent through the caller's normaliser (the one /predict uses) before the model sees it, so what is
 * measured is the whole path a user's image takes.
 */
import { CLEAN, CORRUPTIONS, SIDE, seededRandom, type CorruptedImage, type Corruption } from './corruptions';

export interface RobustnessPath {
  /** The corrupted image as the bytes a client would upload (PNG or JPEG). */
  encode(image: CorruptedImage): Uint8Array | Promise<Uint8Array>;
  /** Upload bytes → the 28×28 input the model sees (0–1). */
  normalise(bytes: Uint8Array): Float32Array;
  /** A batch of 28×28 inputs → the digits the model answers. */
  predict(batch: Float32Array[]): number[];
}

export interface SuiteScores {
  /** Accuracy (0–1) of the uncorrupted uploads, for comparison. */
  clean: number;
  /** Accuracy (0–1) per corruption. */
  corruptions: Record<string, number>;
  /** Mean over the corruptions (clean excluded), and the worst one. */
  mean: number;
  worst: { name: string; accuracy: number };
  images: number;
  seed: number;
}

const BATCH = 256;

/** Accuracy on one corruption; severities are drawn from `seed` and the corruption's index. */
export async function corruptionAccuracy(
  corruption: Corruption,
  images: Float32Array[],
  labels: ArrayLike<number>,
  path: RobustnessPath,
  seed: number,
): Promise<number> {
  let right = 0;
  for (let start = 0; start < images.length; start += BATCH) {
    const batch: Float32Array[] = [];
    for (let i = start; i < Math.min(images.length, start + BATCH); i++) {
      const random = seededRandom(seed * 1_000_003 + i);
      batch.push(path.normalise(await path.encode(corruption.apply(images[i]!, random))));
    }
    path.predict(batch).forEach((digit, k) => {
      if (digit === labels[start + k]) right++;
    });
  }
  return right / images.length;
}

export async function scoreRobustness(
  images: Float32Array[],
  labels: ArrayLike<number>,
  path: RobustnessPath,
  options: {
    seed?: number;
    corruptions?: readonly Corruption[];
    onScore?: (name: string, accuracy: number) => void;
  } = {},
): Promise<SuiteScores> {
  if (images.some((img) => img.length !== SIDE * SIDE)) throw new RangeError('every image must be 28×28');
  const seed = options.seed ?? 1;
  const suite = options.corruptions ?? CORRUPTIONS;
  const score = async (c: Corruption, k: number): Promise<number> => {
    const accuracy = await corruptionAccuracy(c, images, labels, path, seed + k);
    options.onScore?.(c.name, accuracy);
    return accuracy;
  };
  const clean = await score(CLEAN, 0);
  const corruptions: Record<string, number> = {};
  for (const [k, c] of suite.entries()) corruptions[c.name] = await score(c, k + 1);
  const entries = Object.entries(corruptions);
  const mean = entries.reduce((sum, [, a]) => sum + a, 0) / Math.max(1, entries.length);
  const [name, accuracy] = entries.reduce((w, e) => (e[1] < w[1] ? e : w), entries[0] ?? ['none', clean]);
  return { clean, corruptions, mean, worst: { name, accuracy }, images: images.length, seed };
}
