/**
 * The API as the page uses it: relative URLs (so the page works under any stage path) and the
 * parts of each answer the page reads. Answers are read defensively: every field may be missing.
 */

export const API_PATHS = {
  /** `debug=1` adds the 28×28 image the model saw. */
  predict: 'predict?debug=1',
  model: 'model',
  health: 'health',
  /** The latest drift report (drift-panel.ts). */
  drift: 'drift',
  /** A correction: "it is a 7" for the image last sent to predict (corrections.ts). */
  feedback: 'feedback',
} as const;

/** The body of every 4xx/5xx answer of the API. */
export interface ApiErrorBody {
  error: { code?: string; message?: string };
}

/** An HTTP answer: its status and JSON body (null when the body is not a JSON object). */
export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  doc: Partial<T & ApiErrorBody> | null;
}

/** POST /predict?debug=1 (one image). */
export interface PredictionDoc {
  digit: number;
  confidence: number;
  probabilities: number[];
  input?: { png?: string };
  model: { version?: string } | null;
}

/** GET /model: the live model's registry record. */
export interface ModelDoc {
  version: string;
  trainingJobName: string;
  trainedAt: string | null;
  deployedAt: string;
  testAccuracy: number;
  metrics: Record<string, number>;
  dataset: string | null;
  datasetVersion: string | null;
  evaluation: { testRows?: number; perClassAccuracy?: number[]; confusionMatrix?: number[][] } | null;
  /** Scores on the stage's reference set (null for models recorded before reference sets). */
  reference?: { version?: string; rows?: number; accuracy?: number; perClassAccuracy?: number[] } | null;
  /** Accuracy under the corruption suite (null for models trained before it was scored). */
  robustness?: {
    suite?: string;
    source?: string;
    images?: number;
    clean?: number;
    mean?: number;
    corruptions?: Record<string, number>;
  } | null;
  /** What it was trained with (its metadata.json's hyperparameters; null for records that predate them). */
  hyperparameters?: Record<string, string | number> | null;
  /** Corrections: how many wait, when the next training on them starts (null: the stage collects none). */
  feedback?: FeedbackStatusDoc | null;
  /** The newest trained models, newest first, with the gate's decision. */
  history?: HistoryEntryDoc[];
}

export interface FeedbackStatusDoc {
  pending: number | null;
  minCorrections: number;
  schedule: string;
  learnedFrom: number;
}

/** GET /model's history entries (src/registry/history.ts), as the page reads them: the page's script cannot import @digits/common (Node code). */
export interface HistoryEntryDoc {
  trainingJobName: string;
  recordedAt: string;
  status: string;
  dataset: string | null;
  datasetVersion: string | null;
  testAccuracy: number | null;
  reference: { version: string; accuracy: number } | null;
  feedback: {
    initModel: string | null;
    corrections: number;
    heldOut: number;
    heldOutAccuracy: number;
    initHeldOutAccuracy: number | null;
    /** Held-out corrections the candidate got right and the starting model wrong, and the reverse (newer records). */
    fixed?: number;
    broken?: number;
    replayRows: number;
  } | null;
  gate: { deploy: boolean; reason: string };
}

/** POST /feedback's answer. */
export interface FeedbackDoc {
  id: string;
  pending: number | null;
}

/** GET /health. */
export interface HealthDoc {
  endpoint: { status?: string };
}

export async function readAnswer<T>(res: Response): Promise<ApiAnswer<T>> {
  const text = await res.text();
  let doc: ApiAnswer<T>['doc'] = null;
  try {
    doc = JSON.parse(text) as ApiAnswer<T>['doc'];
  } catch {
    doc = null;
  }
  const isObject = typeof doc === 'object' && !Array.isArray(doc);
  return { ok: res.ok, status: res.status, doc: isObject ? doc : null };
}

/** The error an answer carries, or one made up from its status if its body does not say. */
export function errorOf(answer: ApiAnswer<unknown>): { code: string; message: string } {
  const error = answer.doc?.error;
  return {
    code: error?.code || `HTTP_${answer.status}`,
    message: error?.message || `the API answered ${answer.status}`,
  };
}

export async function predict(image: Blob, type: string): Promise<ApiAnswer<PredictionDoc>> {
  return readAnswer(await fetch(API_PATHS.predict, { method: 'POST', headers: { 'Content-Type': type }, body: image }));
}

/** A correction for an image the page sent to predict: the same bytes, with the label and what the model said. */
export async function postFeedback(
  image: Blob,
  type: string,
  fields: { label: number; predicted: number | null; model: string | null },
): Promise<ApiAnswer<FeedbackDoc>> {
  const query = new URLSearchParams({ label: String(fields.label) });
  if (fields.predicted !== null) query.set('predicted', String(fields.predicted));
  if (fields.model) query.set('model', fields.model);
  const url = `${API_PATHS.feedback}?${query.toString()}`;
  return readAnswer(await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body: image }));
}

export async function getModel(): Promise<ApiAnswer<ModelDoc>> {
  return readAnswer(await fetch(API_PATHS.model));
}

/** null if /health could not be reached (the model panel does without it). */
export async function getHealth(): Promise<ApiAnswer<HealthDoc> | null> {
  try {
    return await readAnswer(await fetch(API_PATHS.health));
  } catch {
    return null;
  }
}
