/**
 * Corrections: a user's "this was a 7" for an image the model saw. The inference function writes
 * one object per correction into ingest's inbox bucket, under a prefix it alone may write; ingest
 * collects them into an IDX dataset (raw bucket, dataset `corrections`) once enough are waiting or
 * on its schedule; preprocess and training handle that dataset like any other, training starting
 * from the live model's weights.
 *
 *   inbox  corrections/pending/<id>.json   written by inference (create-only: the same image and
 *                                          label sent twice is one correction)
 *          corrections/learned/<id>.json   moved there by ingest once a dataset holds it
 *          corrections/rejected/<name>     a malformed pending object, moved aside by ingest, with
 *                                          <name>.rejected.json (why) beside it
 *   raw    datasets/corrections/{train,t10k}-{images,labels}-idx…   every training correction so
 *                                          far; the new held-out ones (fixed per id) the test split
 *
 * A record holds the normalised 28×28 image the model would see, the label, what the model said
 * and when: never the upload itself or who sent it.
 */
import { createHash } from 'node:crypto';
import { decodeCapturedInput, encodeCapturedInput } from './capture';
import { isObject, parseJsonText } from './json-checks';
import { MAX_LABEL } from './idx';
import { PIXELS } from './manifest';

export const CORRECTIONS_PREFIX = 'corrections/';
export const PENDING_CORRECTIONS_PREFIX = `${CORRECTIONS_PREFIX}pending/`;
export const LEARNED_CORRECTIONS_PREFIX = `${CORRECTIONS_PREFIX}learned/`;
export const REJECTED_CORRECTIONS_PREFIX = `${CORRECTIONS_PREFIX}rejected/`;
/** The dataset name corrections become in the raw and processed buckets. */
export const CORRECTIONS_DATASET = 'corrections';
export const CORRECTION_SCHEMA_VERSION = 1;
/** One correction in this many (by id, so it never moves) is held out for evaluation: 20%. */
export const HELD_OUT_ONE_IN = 5;

const ID = /^[0-9a-f]{32}$/;

export class CorrectionError extends Error {
  override name = 'CorrectionError';
}

export interface CorrectionRecord {
  schemaVersion: typeof CORRECTION_SCHEMA_VERSION;
  id: string;
  /** The digit the user says it is. */
  label: number;
  /** The normalised 28×28 input, quantised to bytes 0–255, row-major, base64 (as captures hold it). */
  input: string;
  /** What the model answered, if the caller said. */
  predicted: number | null;
  /** The model version that answered (its training job name), if the caller said. */
  model: string | null;
  receivedAt: string;
}

export const isCorrectionId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isDigit = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_LABEL;

/** The id of a correction: a hash of the quantised image and the label, so a repeat is the same id. */
export function correctionId(input: string, label: number): string {
  return createHash('sha256').update(Buffer.from(input, 'base64')).update(`:${label}`).digest('hex').slice(0, 32);
}

/** Whether a correction belongs to the held-out (evaluation) slice: decided by its id alone. */
export const isHeldOut = (id: string): boolean => Number.parseInt(id.slice(0, 8), 16) % HELD_OUT_ONE_IN === 0;

export const pendingCorrectionKey = (id: string): string => `${PENDING_CORRECTIONS_PREFIX}${checkedId(id)}.json`;
export const learnedCorrectionKey = (id: string): string => `${LEARNED_CORRECTIONS_PREFIX}${checkedId(id)}.json`;

/** The id in a pending/ or learned/ key, or undefined for a key of another shape. */
export function correctionKeyId(key: string): string | undefined {
  const m = /^corrections\/(?:pending|learned)\/([0-9a-f]{32})\.json$/.exec(key);
  return m?.[1];
}

function checkedId(id: string): string {
  if (!isCorrectionId(id)) throw new CorrectionError(`"${id}" is not a correction id (32 hex digits)`);
  return id;
}

/** A correction record from what the model saw (pixels 0–1) and what the user said. */
export function newCorrection(
  pixels: ArrayLike<number>,
  label: number,
  options: { predicted?: number | null; model?: string | null; receivedAt?: Date } = {},
): CorrectionRecord {
  if (!isDigit(label)) throw new CorrectionError(`label must be an integer 0–${MAX_LABEL}`);
  const predicted = options.predicted ?? null;
  if (predicted !== null && !isDigit(predicted))
    throw new CorrectionError(`predicted must be an integer 0–${MAX_LABEL}`);
  const input = encodeCapturedInput(pixels);
  return {
    schemaVersion: CORRECTION_SCHEMA_VERSION,
    id: correctionId(input, label),
    label,
    input,
    predicted,
    model: options.model ?? null,
    receivedAt: (options.receivedAt ?? new Date()).toISOString(),
  };
}

export const encodeCorrection = (record: CorrectionRecord): string => `${JSON.stringify(record)}\n`;

/** A correction object, checked: a malformed or tampered one is a CorrectionError naming what is wrong. */
export function parseCorrection(text: string, where: string): CorrectionRecord {
  const v = parseJsonText(text, where, CorrectionError);
  if (!isObject(v)) throw new CorrectionError(`${where} is not a JSON object`);
  if (v.schemaVersion !== CORRECTION_SCHEMA_VERSION)
    throw new CorrectionError(`${where}: schemaVersion is not ${CORRECTION_SCHEMA_VERSION}`);
  if (!isCorrectionId(v.id)) throw new CorrectionError(`${where}: id is not 32 hex digits`);
  if (!isDigit(v.label)) throw new CorrectionError(`${where}: label is not an integer 0–${MAX_LABEL}`);
  if (typeof v.input !== 'string' || Buffer.from(v.input, 'base64').length !== PIXELS)
    throw new CorrectionError(`${where}: input is not ${PIXELS} base64 bytes`);
  if (v.predicted !== null && !isDigit(v.predicted))
    throw new CorrectionError(`${where}: predicted is not null or an integer 0–${MAX_LABEL}`);
  if (v.model !== null && typeof v.model !== 'string')
    throw new CorrectionError(`${where}: model is not null or a string`);
  if (typeof v.receivedAt !== 'string' || Number.isNaN(Date.parse(v.receivedAt)))
    throw new CorrectionError(`${where}: receivedAt is not a time`);
  if (correctionId(v.input, v.label) !== v.id)
    throw new CorrectionError(`${where}: id does not match its image and label`);
  return v as unknown as CorrectionRecord;
}

/** A record's image as pixels 0–1. */
export const correctionPixels = (record: CorrectionRecord): Float32Array => decodeCapturedInput(record.input);

/**
 * What a model trained on corrections learned from and how it did on the held-out corrections,
 * beside the same score of the weights it started from (so the gate compares like with like).
 * The trainer writes it into metadata.json; the registry record carries it.
 */
export interface FeedbackScores {
  /**
   * The live model the job was given (its training job name): training started from its weights,
   * unless hyperparameter from_scratch=true; either way it is scored below. Null with no init model.
   */
  initModel: string | null;
  /** Corrections in the training split, and in the held-out (test) split. */
  corrections: number;
  heldOut: number;
  /** The candidate's accuracy on the held-out corrections. */
  heldOutAccuracy: number;
  /** The init model's accuracy on the same held-out corrections (null with no init model). */
  initHeldOutAccuracy: number | null;
  /**
   * Held-out corrections the candidate gets right and the init model got wrong (fixed), and the
   * reverse (broken): both models judged image by image, so the gate can test the gain as a paired
   * difference. Absent on records written before they were counted, and with no init model.
   */
  fixed?: number;
  broken?: number;
  /** MNIST rows mixed in so the model does not forget. */
  replayRows: number;
}
