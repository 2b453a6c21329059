/**
 * Captured predictions (model monitoring for endpoints that have no data capture, such as
 * SageMaker Serverless Inference): a sampled share of /predict requests, written by the inference
 * function under `captures/` of the monitoring bucket and read by monitoring's drift job.
 *
 *   monitoring  captures/<yyyy-mm-dd>/<HHMMSSmmm>-<id>.json   a batch of sampled requests (written by inference only),
 *                                                             named by its oldest record's time
 *               drift/latest.json, drift/<yyyy-mm-dd>/<HHMMSSmmm>.json  drift reports (monitoring)
 *               baselines/<model version>.json               the live model's answers on the reference sample
 *
 * A record holds what the model saw and answered, never the upload itself or who sent it.
 */
import { PIXELS } from './manifest';

/** 2: an object holds a batch of records; 1 (still read): an object was one record. */
export const CAPTURE_SCHEMA_VERSION = 2;
const SINGLE_RECORD_SCHEMA_VERSION = 1;
/**
 * The longest a capture object's records span: the inference function writes its batch before the
 * oldest record is older than DIGITS_CAPTURE_FLUSH_SECONDS, at most this. Records of an object lie
 * in [key time, key time + this], so a reader of a window lists keys from this much before it.
 */
export const CAPTURE_MAX_BATCH_SECONDS = 3600;
export const CAPTURES_PREFIX = 'captures/';
export const DRIFT_PREFIX = 'drift/';
export const DRIFT_LATEST_KEY = 'drift/latest.json';
export const BASELINES_PREFIX = 'baselines/';

export interface CapturedInstance {
  /** The normalised 28×28 input, quantised to bytes 0–255, row-major, base64. */
  input: string;
  digit: number;
  confidence: number;
  probabilities: number[];
}

/** One sampled request. */
export interface CaptureRecord {
  capturedAt: string;
  /** The live model's version (its training job name), when its record could be read. */
  model: string | null;
  instances: CapturedInstance[];
}

/** One capture object: the records an inference function instance buffered, oldest first. */
export interface CaptureObject {
  schemaVersion: typeof CAPTURE_SCHEMA_VERSION;
  records: CaptureRecord[];
}

export class CaptureError extends Error {
  override name = 'CaptureError';
}

/** `<yyyy-mm-dd>/<HHMMSSmmm>`: keys sort by time and a day is one prefix. */
function timePath(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10)}/${iso.slice(11, 23).replace(/[:.]/g, '')}`;
}

export const captureKey = (at: Date, id: string): string => `${CAPTURES_PREFIX}${timePath(at)}-${id}.json`;
export const capturesDayPrefix = (day: Date): string => `${CAPTURES_PREFIX}${day.toISOString().slice(0, 10)}/`;
export const driftReportKey = (at: Date): string => `${DRIFT_PREFIX}${timePath(at)}.json`;
export const baselineKey = (modelVersion: string): string => `${BASELINES_PREFIX}${modelVersion}.json`;

/** When a capture key was written (from the key alone), or undefined for a key of another shape. */
export function captureKeyTime(key: string): Date | undefined {
  const m = /^captures\/(\d{4}-\d{2}-\d{2})\/(\d{2})(\d{2})(\d{2})(\d{3})-[^/]+\.json$/.exec(key);
  if (!m) return undefined;
  const t = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/** Pixels in 0–1 → the record's base64 bytes. */
export function encodeCapturedInput(pixels: ArrayLike<number>): string {
  const bytes = Buffer.alloc(PIXELS);
  for (let i = 0; i < PIXELS; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, pixels[i] ?? 0)) * 255);
  return bytes.toString('base64');
}

/** The record's base64 bytes → pixels in 0–1. */
export function decodeCapturedInput(input: string): Float32Array {
  const bytes = Buffer.from(input, 'base64');
  if (bytes.length !== PIXELS) throw new CaptureError(`a captured input has ${bytes.length} bytes, not ${PIXELS}`);
  const out = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) out[i] = bytes[i]! / 255;
  return out;
}

/**
 * A capture object's records, checked (a schema-1 object is its one record); a malformed object is
 * a CaptureError naming what is wrong.
 */
export function parseCaptureObject(text: string, where: string): CaptureRecord[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CaptureError(`${where}: not JSON (${(e as Error).message})`);
  }
  const o = v as { schemaVersion?: unknown; records?: unknown } | null;
  let records: unknown[];
  if (o?.schemaVersion === CAPTURE_SCHEMA_VERSION) {
    if (!Array.isArray(o.records) || o.records.length === 0) throw new CaptureError(`${where}: no records`);
    records = o.records;
  } else if (o?.schemaVersion === SINGLE_RECORD_SCHEMA_VERSION) {
    const { schemaVersion: _, ...record } = o;
    records = [record];
  } else {
    throw new CaptureError(
      `${where}: schemaVersion is not ${CAPTURE_SCHEMA_VERSION} (or ${SINGLE_RECORD_SCHEMA_VERSION})`,
    );
  }
  return records.map((r, k) => checkRecord(r, records.length > 1 ? `${where} record ${k}` : where));
}

function checkRecord(v: unknown, where: string): CaptureRecord {
  const r = v as Partial<CaptureRecord> | null;
  if (typeof r?.capturedAt !== 'string' || Number.isNaN(Date.parse(r.capturedAt)))
    throw new CaptureError(`${where}: capturedAt is not a time`);
  if (!Array.isArray(r.instances) || r.instances.length === 0) throw new CaptureError(`${where}: no instances`);
  for (const [i, inst] of r.instances.entries()) {
    if (typeof inst?.input !== 'string' || !Number.isInteger(inst.digit) || typeof inst.confidence !== 'number')
      throw new CaptureError(`${where}: instance ${i} lacks input, digit or confidence`);
  }
  return r as CaptureRecord;
}

/** What a drift run found: monitoring writes it (drift/latest.json and one per run), the page shows it. */
export interface DriftReport {
  generatedAt: string;
  /** The captures compared: those written in [from, to). */
  window: { from: string; to: string };
  /** The live model when the run started. */
  model: string | null;
  /** Captured instances compared. */
  samples: number;
  /** The training set's statistics they were compared with. */
  reference: { dataset: string; version: string; count: number } | null;
  /** Jensen–Shannon distance (0 same … 1 disjoint) of each statistic; `score` is the largest. */
  scores: Record<string, number>;
  score: number;
  threshold: number;
  status: 'ok' | 'drift' | 'insufficient-data';
  /** Why a run could not judge, or judged without the model's answers. */
  note?: string;
}
