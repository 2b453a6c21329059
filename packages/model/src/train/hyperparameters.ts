/**
 * Hyperparameters as SageMaker delivers them: a JSON object of strings in
 * <root>/input/config/hyperparameters.json. Unknown names are refused (a typo like `epoch`
 * must not silently train with defaults), except SageMaker's own `sagemaker_*` entries.
 */
import { readFile } from 'node:fs/promises';
import { HYPERPARAMETERS, type Hyperparameters } from '@digits/common';
import { TrainingInputError } from './errors';
import { NO_AUGMENTATION, type AugmentConfig } from './augment';
import { DEFAULT_DROPOUT, MAX_MEMBERS, MAX_WIDTH, type DropoutRates } from './model';
import { isShiftSet, SHIFT_SETS, type ShiftSet } from './shift-views';

export interface TrainingConfig {
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule (Adam). */
  learningRate: number;
  seed: number;
  maxRows?: number;
  maxTestRows?: number;
  dataset?: string;
  datasetVersion?: string;
  augment: AugmentConfig;
  /** Label smoothing of the training loss (0: none). */
  labelSmoothing: number;
  /** Dropout rates in training (model.ts). */
  dropout: DropoutRates;
  /** Shifted views the saved model averages with the plain one (shift-views.ts). */
  testTimeShifts: ShiftSet;
  /** Networks in the saved model (model.ts buildClassifier's `members`). */
  ensemble: number;
  /** Multiplier of every layer's filters and units (model.ts buildClassifier's `width`). */
  width: number;
  /** Images per corruption of the robustness report in metadata.json (0: none). */
  robustnessImages: number;
  /** A corrections job: the live model given as the `init` channel (see HYPERPARAMETERS.initModel). */
  initModel?: string;
  /** Train from fresh weights even with an init model (which is then only scored). */
  fromScratch: boolean;
  /** Rows of the `replay` channel mixed into training (when it is given). */
  replayRows: number;
  /** The corrections' share of each epoch when replay rows are mixed in (feedback.ts). */
  correctionsShare: number;
  /** The init weights' share in the final weights of a fine-tuned model (feedback.ts blendWeights). */
  initWeightShare: number;
}

/** Defaults: on the full MNIST they reach ≥ 99.2% test accuracy (see README "Training"). */
export const DEFAULT_TRAINING_CONFIG: Readonly<TrainingConfig> = {
  epochs: 5,
  batchSize: 128,
  learningRate: 0.003,
  seed: 42,
  augment: NO_AUGMENTATION,
  labelSmoothing: 0,
  dropout: DEFAULT_DROPOUT,
  testTimeShifts: 'none',
  ensemble: 1,
  width: 1,
  // 100 images × 12 rows (11 corruptions and clean): ~50 ms an image at load 2 (~5 s), 12.2 s measured at
  // load 8-10 on 2 cores (src/robust/model-scores.ts).
  robustnessImages: 100,
  fromScratch: false,
  replayRows: 3000,
  correctionsShare: 0.2,
  initWeightShare: 0,
};

const H = HYPERPARAMETERS;
const MAX_DROPOUT = 0.9;
const KNOWN = new Set<string>(Object.values(H));

export async function readHyperparameters(path: string): Promise<Hyperparameters> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // SageMaker always writes the file ({} when none were given); a local run may omit it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new TrainingInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TrainingInputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TrainingInputError(`${path} must hold a JSON object of hyperparameters`);
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (name.startsWith('sagemaker_')) continue;
    if (!KNOWN.has(name))
      throw new TrainingInputError(`unknown hyperparameter "${name}" (known: ${[...KNOWN].join(', ')})`);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TrainingInputError(`hyperparameter ${name} must be a string, got ${JSON.stringify(value)}`);
    }
    out[name] = String(value);
  }
  return out as Hyperparameters;
}

export function resolveTrainingConfig(hp: Hyperparameters): TrainingConfig {
  const config: TrainingConfig = { ...DEFAULT_TRAINING_CONFIG };
  config.epochs = integer(hp, H.epochs, 1, 1000) ?? config.epochs;
  config.batchSize = integer(hp, H.batchSize, 1, 8192) ?? config.batchSize;
  config.learningRate = decimal(hp, H.learningRate, 0, 1) ?? config.learningRate;
  config.seed = integer(hp, H.seed, 0, 2 ** 31 - 1) ?? config.seed;
  const maxRows = integer(hp, H.maxRows, 1, 100_000_000);
  if (maxRows !== undefined) config.maxRows = maxRows;
  const maxTestRows = integer(hp, H.maxTestRows, 1, 100_000_000);
  if (maxTestRows !== undefined) config.maxTestRows = maxTestRows;
  const dataset = text(hp, H.dataset);
  if (dataset !== undefined) config.dataset = dataset;
  config.augment = {
    rotationDegrees: zeroOrMore(hp, H.augmentRotation, 45) ?? config.augment.rotationDegrees,
    shear: zeroOrMore(hp, H.augmentShear, 1) ?? config.augment.shear,
    scale: zeroOrMore(hp, H.augmentScale, 0.5) ?? config.augment.scale,
    shiftPixels: zeroOrMore(hp, H.augmentShift, 8) ?? config.augment.shiftPixels,
    lowresProbability: zeroOrMore(hp, H.augmentLowres, 1) ?? config.augment.lowresProbability,
    blurSigma: zeroOrMore(hp, H.augmentBlur, 3) ?? config.augment.blurSigma,
    noiseSigma: zeroOrMore(hp, H.augmentNoise, 0.5) ?? config.augment.noiseSigma,
    elasticPixels: zeroOrMore(hp, H.augmentElastic, 4) ?? config.augment.elasticPixels,
  };
  config.labelSmoothing = zeroOrMore(hp, H.labelSmoothing, 0.3) ?? config.labelSmoothing;
  config.dropout = {
    conv: zeroOrMore(hp, H.dropoutConv, MAX_DROPOUT) ?? config.dropout.conv,
    dense: zeroOrMore(hp, H.dropoutDense, MAX_DROPOUT) ?? config.dropout.dense,
  };
  config.testTimeShifts = shiftSet(hp) ?? config.testTimeShifts;
  config.ensemble = integer(hp, H.ensemble, 1, MAX_MEMBERS) ?? config.ensemble;
  config.width = integer(hp, H.width, 1, MAX_WIDTH) ?? config.width;
  config.robustnessImages = integer(hp, H.robustnessImages, 0, 10_000) ?? config.robustnessImages;
  const datasetVersion = text(hp, H.datasetVersion);
  if (datasetVersion !== undefined) config.datasetVersion = datasetVersion;
  const initModel = text(hp, H.initModel);
  if (initModel !== undefined) config.initModel = initModel;
  config.fromScratch = flag(hp, H.fromScratch) ?? config.fromScratch;
  config.replayRows = integer(hp, H.replayRows, 0, 1_000_000) ?? config.replayRows;
  config.correctionsShare = decimal(hp, H.correctionsShare, 0, 0.9) ?? config.correctionsShare;
  config.initWeightShare = zeroOrMore(hp, H.initWeightShare, 0.9) ?? config.initWeightShare;
  return config;
}

function raw(hp: Hyperparameters, name: keyof Hyperparameters): string | undefined {
  const v = hp[name];
  return v === undefined ? undefined : v.trim();
}

function integer(hp: Hyperparameters, name: keyof Hyperparameters, min: number, max: number): number | undefined {
  const v = raw(hp, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new TrainingInputError(
      `hyperparameter ${name}=${JSON.stringify(hp[name])} must be an integer from ${min} to ${max}`,
    );
  }
  return Number(v);
}

function decimal(hp: Hyperparameters, name: keyof Hyperparameters, above: number, max: number): number | undefined {
  const v = raw(hp, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n <= above || n > max) {
    throw new TrainingInputError(
      `hyperparameter ${name}=${JSON.stringify(hp[name])} must be a number above ${above} and at most ${max}`,
    );
  }
  return n;
}

/** A number from 0 (off) to `max`. */
function zeroOrMore(hp: Hyperparameters, name: keyof Hyperparameters, max: number): number | undefined {
  const v = raw(hp, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new TrainingInputError(
      `hyperparameter ${name}=${JSON.stringify(hp[name])} must be a number from 0 to ${max}`,
    );
  }
  return n;
}

function shiftSet(hp: Hyperparameters): ShiftSet | undefined {
  const v = raw(hp, H.testTimeShifts);
  if (v === undefined) return undefined;
  if (!isShiftSet(v))
    throw new TrainingInputError(
      `hyperparameter ${H.testTimeShifts}=${JSON.stringify(hp[H.testTimeShifts])} must be one of ${Object.keys(SHIFT_SETS).join(', ')}`,
    );
  return v;
}

function flag(hp: Hyperparameters, name: keyof Hyperparameters): boolean | undefined {
  const v = raw(hp, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false')
    throw new TrainingInputError(`hyperparameter ${name}=${JSON.stringify(hp[name])} must be "true" or "false"`);
  return v === 'true';
}

function text(hp: Hyperparameters, name: keyof Hyperparameters): string | undefined {
  const v = raw(hp, name);
  if (v === undefined) return undefined;
  if (v === '' || v.length > 256)
    throw new TrainingInputError(`hyperparameter ${name} must be a non-empty string of at most 256 characters`);
  return v;
}
