/**
 * Training on corrections: the `init` channel holds the live model's model.tar.gz (training starts
 * from its weights unless from_scratch), the `replay` channel the data the live model learnt from
 * (a seeded sample of it is mixed in so the model does not forget), the `test` channel the held-out
 * corrections, on which the init weights are scored too: the gate compares like with like.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { extract } from 'tar';
import { INIT_CHANNEL, PIXELS, REPLAY_CHANNEL, type FeedbackScores, type LabelledImages } from '@digits/common';
import { loadModel, ModelFilesError } from '../model-files';
import { channelDir, readChannel, type ChannelData } from './channels';
import { TrainingInputError } from './errors';
import { mulberry32, sampleIndices } from '../seeded-random';

/** The replay sample is drawn from at most this many times replay_rows of the channel's first rows. */
const REPLAY_POOL_FACTOR = 4;

const isDir = (path: string) =>
  readdir(path).then(
    () => true,
    () => false,
  );

/** The init model from the `init` channel (its model.tar.gz unpacked into a temporary folder). */
export async function readInitModel(mlRoot: string): Promise<tf.LayersModel> {
  const dir = channelDir(mlRoot, INIT_CHANNEL);
  const files = await readdir(dir).catch(() => {
    throw new TrainingInputError(
      `hyperparameter init_model is set but channel ${INIT_CHANNEL} is missing: no folder ${dir}`,
    );
  });
  const tarball = files.find((f) => f.endsWith('.tar.gz'));
  if (!tarball) throw new TrainingInputError(`channel ${INIT_CHANNEL}: no model .tar.gz in ${dir}`);
  const unpacked = await mkdtemp(join(tmpdir(), 'init-model-'));
  try {
    await extract({ file: join(dir, tarball), cwd: unpacked, strict: true }).catch((e: Error) => {
      throw new TrainingInputError(`channel ${INIT_CHANNEL}: ${tarball} is not a readable tar.gz (${e.message})`);
    });
    return (await loadModel(unpacked)).model;
  } catch (e) {
    if (e instanceof ModelFilesError) throw new TrainingInputError(`channel ${INIT_CHANNEL}: ${e.message}`);
    throw e;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

/** A seeded sample of `rows` rows of the `replay` channel, or undefined when the job has none. */
export async function readReplaySample(
  mlRoot: string,
  rows: number,
  seed: number,
): Promise<LabelledImages | undefined> {
  if (rows === 0 || !(await isDir(channelDir(mlRoot, REPLAY_CHANNEL)))) return undefined;
  const pool = await readChannel(mlRoot, REPLAY_CHANNEL, rows * REPLAY_POOL_FACTOR);
  return sampleRows(pool, rows, seed);
}

/** `rows` distinct rows of `data` chosen by a seeded shuffle (all of them if it has fewer). */
export function sampleRows(data: LabelledImages, rows: number, seed: number): LabelledImages {
  const order = sampleIndices(data.rows, rows, mulberry32(seed ^ 0x5eed));
  const n = order.length;
  const out: LabelledImages = { pixels: new Uint8Array(n * PIXELS), labels: new Uint8Array(n), rows: n };
  for (let r = 0; r < n; r++) {
    const from = order[r]!;
    out.pixels.set(data.pixels.subarray(from * PIXELS, (from + 1) * PIXELS), r * PIXELS);
    out.labels[r] = data.labels[from]!;
  }
  return out;
}

/**
 * How many times each correction appears in an epoch so they make up `share` of it (hyperparameter
 * corrections_share): a few hundred among thousands of replayed rows would otherwise barely move
 * the weights.
 */
export function correctionRepeats(corrections: number, replay: number, share: number): number {
  if (corrections === 0 || replay === 0) return 1;
  return Math.max(1, Math.round((replay * share) / ((1 - share) * corrections)));
}

/** The corrections, each `repeats` times, followed by the replay rows: what one epoch trains on. */
export function mixTrainingRows(
  corrections: ChannelData,
  replay: LabelledImages | undefined,
  repeats: number,
): LabelledImages {
  const extra = replay?.rows ?? 0;
  const rows = corrections.rows * repeats + extra;
  const out: LabelledImages = { pixels: new Uint8Array(rows * PIXELS), labels: new Uint8Array(rows), rows };
  for (let k = 0; k < repeats; k++) {
    out.pixels.set(corrections.pixels, k * corrections.rows * PIXELS);
    out.labels.set(corrections.labels, k * corrections.rows);
  }
  if (replay) {
    out.pixels.set(replay.pixels, corrections.rows * repeats * PIXELS);
    out.labels.set(replay.labels, corrections.rows * repeats);
  }
  return out;
}

/**
 * The final weights of a fine-tuned model: `share` of the init weights, the rest fine-tuned (the
 * same layers, so weight by weight). Measured on the full model (README "Learning from
 * corrections"): a share of 0.3 halved the MNIST accuracy it lost for ~2 of ~30 points of style.
 */
export function blendWeights(model: tf.LayersModel, init: tf.Tensor[], share: number): void {
  const blended = model.getWeights().map((w, i) => w.mul(1 - share).add(init[i]!.mul(share)));
  model.setWeights(blended);
  for (const w of blended) w.dispose();
}

/** A copy of a model's weights (its variables change as it trains). */
export const copyOfWeights = (model: tf.LayersModel): tf.Tensor[] => model.getWeights().map((w) => w.clone());

/**
 * Held-out images the candidate gets right and the init model got wrong (fixed), and the reverse
 * (broken): the gate tests the gain as a paired difference of the two models on the same images.
 */
export function pairedChanges(
  init: Uint8Array,
  candidate: Uint8Array,
  labels: Uint8Array,
): Pick<FeedbackScores, 'fixed' | 'broken'> {
  let fixed = 0;
  let broken = 0;
  for (let i = 0; i < labels.length; i++) {
    const before = init[i] === labels[i];
    const after = candidate[i] === labels[i];
    if (after && !before) fixed++;
    else if (before && !after) broken++;
  }
  return { fixed, broken };
}

/** The metric line of a corrections job (METRIC_DEFINITIONS capture both accuracies). */
export const feedbackMetricLine = (f: FeedbackScores): string =>
  `held_out_accuracy=${f.heldOutAccuracy.toFixed(4)} init_held_out_accuracy=${f.initHeldOutAccuracy === null ? 'none' : f.initHeldOutAccuracy.toFixed(4)} held_out_rows=${f.heldOut} corrections=${f.corrections} replay_rows=${f.replayRows}${f.fixed === undefined ? '' : ` fixed=${f.fixed} broken=${f.broken}`} init_model=${f.initModel ?? 'none'}`;
