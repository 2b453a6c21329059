/**
 * The trainer's robustness report: the model it trained, scored on the corruption suite over a
 * fixed, seeded subset of the reference (or test) images — the same images for every model, so
 * scores of the same suite version and source compare like with like. Every image takes the
 * path a user's upload takes: corrupted, encoded as a PNG, through the /predict normaliser.
 * JPEG is left out (jpeg-js takes 100–400 ms an image; mozjpeg is a benchmark-only dependency):
 * `pnpm bench:robust` scores the whole suite.
 */
import type * as tf from '@tensorflow/tfjs';
import { normaliseImage } from '@digits/normalise';
import { PIXELS, weakestCorruptions, type LabelledImages, type RobustnessScores } from '@digits/common';
import { mulberry32, sampleIndices } from '../seeded-random';
import { Predictor } from '../serve/predictor';
import { PNG_CORRUPTIONS, SUITE_VERSION } from './corruptions';
import { scoreRobustness } from './score';
import { encodeUpload } from './upload';

/** Picks the subset and draws the severities: fixed, so the subset does not depend on the training seed. */
export const ROBUSTNESS_SEED = 1;

/** `count` rows drawn without replacement by a seeded shuffle (all rows if there are fewer), as 0–1 images. */
export function robustnessSubset(
  data: LabelledImages,
  count: number,
  seed = ROBUSTNESS_SEED,
): { images: Float32Array[]; labels: number[] } {
  const rows = [...sampleIndices(data.rows, count, mulberry32(seed))];
  return {
    images: rows.map((r) => Float32Array.from(data.pixels.subarray(r * PIXELS, (r + 1) * PIXELS), (v) => v / 255)),
    labels: rows.map((r) => data.labels[r]!),
  };
}

export async function scoreModelRobustness(
  model: tf.LayersModel,
  data: LabelledImages,
  source: string,
  count: number,
): Promise<RobustnessScores> {
  const { images, labels } = robustnessSubset(data, count);
  const predictor = new Predictor(model);
  const scores = await scoreRobustness(
    images,
    labels,
    {
      encode: (image) => encodeUpload(image),
      normalise: (bytes) => normaliseImage(bytes).pixels,
      predict: (batch) => predictor.predict(batch).map((p) => p.digit),
    },
    { seed: ROBUSTNESS_SEED, corruptions: PNG_CORRUPTIONS },
  );
  const round = (v: number) => Number(v.toFixed(4));
  return {
    suite: SUITE_VERSION,
    source,
    images: images.length,
    clean: round(scores.clean),
    corruptions: Object.fromEntries(Object.entries(scores.corruptions).map(([k, v]) => [k, round(v)])),
    mean: round(scores.mean),
  };
}

/** `key=value` metric line, like the epoch and reference lines, with the weakest corruption for people. */
export function robustnessMetricLine(s: RobustnessScores): string {
  const worst = weakestCorruptions(s, 1)[0]!;
  return `robustness_mean=${s.mean.toFixed(4)} robustness_clean=${s.clean.toFixed(4)} robustness_worst=${worst.name}:${worst.accuracy.toFixed(4)} robustness_images=${s.images} robustness_suite=${s.suite}`;
}
