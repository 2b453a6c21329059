/**
 * The contract between the training service, the model container (packages/model) and the
 * inference API: hyperparameter names, channel names, metric lines and answers (the model's
 * report, metadata.json, is model-report.ts).
 */
import { NUM_CLASSES } from './manifest';

export const CHANNELS = ['train', 'test'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Hyperparameter names as SageMaker passes them (all values are strings on the wire). */
export const HYPERPARAMETERS = {
  epochs: 'epochs',
  batchSize: 'batch_size',
  learningRate: 'learning_rate',
  seed: 'seed',
  /** Optional: use only the first N training rows (quick runs). */
  maxRows: 'max_rows',
  /** Optional: use only the first N test rows. */
  maxTestRows: 'max_test_rows',
  /** Set by the training service so the model's metadata names the data it learnt from. */
  dataset: 'dataset',
  datasetVersion: 'dataset_version',
  /** Optional on-the-fly augmentation (0 or absent: none): largest rotation (degrees), shear, relative scale, shift (pixels). */
  augmentRotation: 'augment_rotation',
  augmentShear: 'augment_shear',
  augmentScale: 'augment_scale',
  augmentShift: 'augment_shift',
  /** Optional (0 or absent: none): the probability that an image is seen at a low resolution (7–14 px, re-centred). */
  augmentLowres: 'augment_lowres',
  /** Optional (0 or absent: none): largest blur (Gaussian σ, pixels) and pixel noise (Gaussian σ, 0–1 scale). */
  augmentBlur: 'augment_blur',
  augmentNoise: 'augment_noise',
  /** Optional (0 or absent: none): elastic distortion, the largest displacement (pixels) of a 4×4 grid of control points. */
  augmentElastic: 'augment_elastic',
  /** Optional (default 0): label smoothing of the training loss (0–0.3). */
  labelSmoothing: 'label_smoothing',
  /** Optional (defaults 0.25 and 0.5): dropout rates in training after the convolutions and after the dense layer (0–0.9). */
  dropoutConv: 'dropout_conv',
  dropoutDense: 'dropout_dense',
  /**
   * Optional (default `none`): test-time shifts saved in the model, which answers the mean over the
   * plain image and the image shifted by a pixel: `horizontal` (2 shifts), `cross` or `diagonal` (4), `square` (8).
   * Each view costs a network's serving time.
   */
  testTimeShifts: 'test_time_shifts',
  /**
   * Optional (default 1): networks, each trained as a run of its own seed, saved as one model
   * answering the mean of their softmaxes (1–5; each costs a network's time).
   */
  ensemble: 'ensemble',
  /** Optional (default 1): multiplies every layer's filters and units (1–4; width 2 is ~3.5× the work). */
  width: 'width',
  /** Images per corruption the trainer scores the model's robustness on (0: not scored; default 100). */
  robustnessImages: 'robustness_images',
  /**
   * Set by the training service for a corrections dataset: the live model (its training job name)
   * given as the `init` channel. Training starts from its weights unless `from_scratch` is `true`;
   * either way it is scored on the same held-out corrections, so the gate compares like with like.
   */
  initModel: 'init_model',
  /** `true`: ignore the init weights and train from freshly initialised ones. */
  fromScratch: 'from_scratch',
  /** Rows of the `replay` channel (the live model's own training data) mixed into fine-tuning. */
  replayRows: 'replay_rows',
  /** The corrections' share of each fine-tuning epoch (they are repeated to reach it; default 0.2). */
  correctionsShare: 'corrections_share',
  /**
   * Fine-tuning: the init weights' share in the final weights (0: none, the fine-tuned weights as
   * they are). Averaging the two (weight-space ensembling, "WiSE-FT") keeps more of what the init
   * model knew for a little of what it learnt.
   */
  initWeightShare: 'init_weight_share',
} as const;

/**
 * Named hyperparameter sets a stage trains with (services/training/serverless.yml
 * `custom.training.trainingProfiles`, chosen by TRAINING_PROFILE; a test checks the two agree).
 * `default`: what `pnpm start` and a plain deploy train: one CNN, 15 epochs with affine and
 * low-resolution augmentation, little dropout, and test-time shifts saved in the model (~99.5 % in
 * ~4.5 min on 2 fast cores). `cloud`: for a SageMaker instance, an ensemble of 3 such networks
 * (packages/model README "Profiles" has the measured accuracy and time).
 */
const DEFAULT_PROFILE = {
  epochs: '15',
  batch_size: '128',
  learning_rate: '0.003',
  seed: '42',
  augment_rotation: '10',
  augment_shift: '2',
  augment_scale: '0.1',
  augment_lowres: '0.15',
  dropout_conv: '0',
  dropout_dense: '0.2',
  test_time_shifts: 'diagonal',
} as const;

export const TRAINING_PROFILES = {
  default: DEFAULT_PROFILE,
  cloud: { ...DEFAULT_PROFILE, ensemble: '3' },
} as const satisfies Record<string, Hyperparameters>;
export type TrainingProfile = keyof typeof TRAINING_PROFILES;

/** Extra input channels of a training job on corrections: the live model's model.tar.gz, and the data it learnt from. */
export const INIT_CHANNEL = 'init';
export const REPLAY_CHANNEL = 'replay';

/** The container's /opt/ml root, overridable for local runs (a training job's or endpoint's folder). */
export const ML_ROOT_ENV = 'DIGITS_ML_ROOT';
export const DEFAULT_ML_ROOT = '/opt/ml';
/** Port `serve` listens on (SageMaker's variable; 8080 when unset). */
export const SERVE_PORT_ENV = 'SAGEMAKER_BIND_TO_PORT';
export const DEFAULT_SERVE_PORT = 8080;
/** Most instances one POST /invocations may carry (serve and the inference API both enforce it). */
export const MAX_BATCH = 256;

export type HyperparameterName = (typeof HYPERPARAMETERS)[keyof typeof HYPERPARAMETERS];
export type Hyperparameters = Partial<Record<HyperparameterName, string>>;

/**
 * Metric lines the trainer prints (`epoch=3 train_loss=0.041 test_accuracy=0.9912`) and the
 * regexes SageMaker (and the local stand-in) use to capture them. The last match is final.
 */
export const METRIC_DEFINITIONS: ReadonlyArray<{ Name: string; Regex: string }> = [
  { Name: 'epoch', Regex: 'epoch=([0-9]+)' },
  { Name: 'train_loss', Regex: 'train_loss=([0-9.eE+-]+)' },
  { Name: 'train_accuracy', Regex: 'train_accuracy=([0-9.]+)' },
  { Name: 'test_loss', Regex: 'test_loss=([0-9.eE+-]+)' },
  { Name: 'test_accuracy', Regex: 'test_accuracy=([0-9.]+)' },
  { Name: 'reference_accuracy', Regex: 'reference_accuracy=([0-9.]+)' },
  // A corrections job: the candidate's and the init weights' accuracy on the held-out corrections.
  { Name: 'held_out_accuracy', Regex: '\\bheld_out_accuracy=([0-9.]+)' },
  { Name: 'init_held_out_accuracy', Regex: 'init_held_out_accuracy=([0-9.]+)' },
];
/** Accuracy on the dataset's own test split: recorded and shown, labelled as such. */
export const GATE_METRIC = 'test_accuracy';
/** Accuracy on the stage's reference set: what the gate judges (with its per-class scores). */
export const REFERENCE_METRIC = 'reference_accuracy';

/** Serving content types accepted by `POST /invocations`. */
export const INVOCATION_CONTENT_TYPES = [
  'application/json',
  'text/csv',
  'application/x-image',
  'image/png',
  'image/jpeg',
] as const;

export interface DigitPrediction {
  digit: number;
  probability: number;
  probabilities: number[];
}

export interface InvocationResponse {
  predictions: DigitPrediction[];
}

export function isInvocationResponse(v: unknown): v is InvocationResponse {
  if (typeof v !== 'object' || v === null) return false;
  const preds = (v as { predictions?: unknown }).predictions;
  return (
    Array.isArray(preds) &&
    preds.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        Number.isInteger(p.digit) &&
        typeof p.probability === 'number' &&
        Array.isArray(p.probabilities) &&
        p.probabilities.length === NUM_CLASSES,
    )
  );
}

export interface GateDecisionBase {
  reason: string;
  /** The reference set version the decision compared on, when there was one. */
  referenceVersion?: string;
  /** Digits that failed a per-class check (dropped too far, or below the floor). */
  failedClasses?: number[];
}
export type GateDecision = (GateDecisionBase & { deploy: true }) | (GateDecisionBase & { deploy: false });
