/**
 * The model's report, metadata.json beside the tfjs model in /opt/ml/model (so inside
 * model.tar.gz): written by packages/model's train, read back by its serve, and by the training
 * service, which copies the per-class part into the registry record. One encoder, one checked
 * reader: every reader accepts exactly what the trainer writes.
 */
import { NUM_CLASSES } from './manifest';
import { parseReferenceScores, ReferenceSetError, type ReferenceScores } from './reference-set';
import type { FeedbackScores } from './corrections';
import { checkRobustnessScores, type RobustnessScores } from './robustness';
import { isCount, isRate } from './json-checks';

/** File written next to the tfjs model in /opt/ml/model. */
export const MODEL_METADATA_FILE = 'metadata.json';

export interface ModelMetadata {
  hyperparameters: Record<string, string | number>;
  dataManifest?: { dataset: string; version: string; key?: string };
  trainRows: number;
  testRows: number;
  /** On the dataset's own (uploaded) test split: reported, never what the gate judges. */
  testAccuracy: number;
  perClassAccuracy: number[];
  /** confusionMatrix[actual][predicted] */
  confusionMatrix: number[][];
  trainingSeconds: number;
  trainedAt: string;
  versions: Record<string, string>;
  backend: string;
  /** Scores on the stage's reference set (the `reference` channel); absent if the job had none. */
  reference?: ReferenceScores;
  /** A model trained on corrections: what it learnt from and its held-out scores beside its init weights'. */
  feedback?: FeedbackScores;
  /** Accuracy under the corruption suite (rotation, noise, low resolution, …) on a fixed subset of images. */
  robustness?: RobustnessScores;
  /** What the model expects: 28×28 grayscale, ink bright on dark, values scaled to 0..1. */
  input: { shape: [number, number, number]; scale: '0..1' };
}

/**
 * How a model did on the test channel, class by class: copied from its metadata.json into the
 * registry record at deploy time, so readers need not open model.tar.gz.
 */
export interface ModelEvaluation {
  /** Rows of the dataset's own test split these scores are on. */
  testRows: number;
  perClassAccuracy: number[];
  /** confusionMatrix[actual][predicted] */
  confusionMatrix: number[][];
}

/** A metadata.json that is not what the trainer writes; the message names the file and the field. */
export class ModelReportError extends Error {
  override name = 'ModelReportError';
}

export const encodeModelMetadata = (metadata: ModelMetadata): string => JSON.stringify(metadata, null, 2);

/** metadata.json's text → ModelMetadata; `where` names the file in errors. */
export function parseModelMetadata(text: string, where: string): ModelMetadata {
  const bad = (what: string): never => {
    throw new ModelReportError(`${where}: ${what}`);
  };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    bad(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('not a JSON object');
  const m = v as Partial<ModelMetadata>;
  if (!isRate(m.testAccuracy)) bad('testAccuracy must be a number in 0..1');
  if (!isCount(m.testRows)) bad('testRows must be a count');
  if (
    !Array.isArray(m.perClassAccuracy) ||
    m.perClassAccuracy.length !== NUM_CLASSES ||
    !m.perClassAccuracy.every(isRate)
  )
    bad(`perClassAccuracy must be ${NUM_CLASSES} numbers in 0..1`);
  const matrix = m.confusionMatrix;
  if (
    !Array.isArray(matrix) ||
    matrix.length !== NUM_CLASSES ||
    !matrix.every((row) => Array.isArray(row) && row.length === NUM_CLASSES && row.every(isCount))
  )
    bad(`confusionMatrix must be ${NUM_CLASSES}×${NUM_CLASSES} counts`);
  if (!Array.isArray(m.input?.shape) || m.input.shape.length !== 3)
    bad('input.shape must be [height, width, channels]');
  if (typeof m.hyperparameters !== 'object' || m.hyperparameters === null) bad('hyperparameters missing');
  if (m.reference !== undefined) {
    try {
      parseReferenceScores(m.reference, where);
    } catch (e) {
      if (e instanceof ReferenceSetError) bad(e.message.slice(where.length + 2));
      throw e;
    }
  }
  if (m.feedback !== undefined) checkFeedbackScores(m.feedback, bad);
  if (m.robustness !== undefined) checkRobustnessScores(m.robustness, bad);
  return m as ModelMetadata;
}

function checkFeedbackScores(f: unknown, bad: (what: string) => never): void {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) bad('feedback must be an object');
  const s = f as Partial<FeedbackScores>;
  if (s.initModel !== null && (typeof s.initModel !== 'string' || s.initModel === ''))
    bad('feedback.initModel must be a training job name or null');
  for (const k of ['corrections', 'heldOut', 'replayRows'] as const)
    if (!isCount(s[k])) bad(`feedback.${k} must be a count`);
  if (!isRate(s.heldOutAccuracy)) bad('feedback.heldOutAccuracy must be a number in 0..1');
  if (s.initHeldOutAccuracy !== null && !isRate(s.initHeldOutAccuracy))
    bad('feedback.initHeldOutAccuracy must be a number in 0..1 or null');
  for (const k of ['fixed', 'broken'] as const)
    if (s[k] !== undefined && (!isCount(s[k]) || s[k] > (s.heldOut ?? 0)))
      bad(`feedback.${k} must be a count of held-out corrections`);
}

/** The part of the report the registry record keeps. */
export function modelEvaluation({ testRows, perClassAccuracy, confusionMatrix }: ModelMetadata): ModelEvaluation {
  return { testRows, perClassAccuracy, confusionMatrix };
}
