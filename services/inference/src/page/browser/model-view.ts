import { errorOf, type ApiAnswer, type HealthDoc, type ModelDoc } from './api';
import { referenceFacts, referenceView, type ReferenceView } from './reference-view';
import { learningView, type LearningView } from './learning-view';
import { robustnessFacts } from './robustness-view';
import { trainingFacts } from './training-view';
import type { StatusLine } from './status-line';

/** What the model panel shows, worked out from GET /model and GET /health. Pure: the panel renders it. */

/** How often the panel asks again while no model is live or a new one is rolling out. */
export const POLL_MS = 10_000;

/** SageMaker endpoint states in which a model is being (re)deployed. */
const UPDATING = ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'];

export interface ConfusionCell {
  text: string;
  background: string;
  color: string;
  title: string;
}

export interface ModelView {
  /** The model's version (its training job); null if the record names none. */
  version: string | null;
  facts: Array<[name: string, value: string]>;
  /** Per-class accuracy and the confusion matrix, or null for records without them. */
  report: { perClass: string[]; confusion: ConfusionCell[][] } | null;
  /** Scores on the stage's reference set, or null for a model not scored on one. */
  reference: ReferenceView | null;
  /** Corrections (learned from, waiting, next retraining) and the model history; null if the API says nothing of them. */
  learning: LearningView | null;
}

export interface ModelPanelView {
  /** An empty message hides the status line. */
  status: StatusLine;
  /** The model to show; null: none is live (hide the last one); undefined: unknown (keep showing it). */
  model?: ModelView | null;
  /** A model answers: drawings that waited for one can be sent again. */
  live: boolean;
  /** Ask again in POLL_MS. */
  poll: boolean;
}

export function modelPanelView(model: ApiAnswer<ModelDoc>, health: ApiAnswer<HealthDoc> | null): ModelPanelView {
  const endpointStatus = health?.ok ? health.doc?.endpoint?.status : undefined;
  const updating = endpointStatus !== undefined && UPDATING.includes(endpointStatus);
  if (model.ok) {
    const message = updating
      ? `The endpoint is ${endpointStatus}: a new model is being rolled out; answers come from the model below until it finishes.`
      : '';
    return { status: { message, error: false }, model: modelView(model.doc ?? {}), live: true, poll: updating };
  }
  if (model.status === 503) {
    const why = updating
      ? `The endpoint is ${endpointStatus}: the first model is being deployed and will answer in a few minutes.`
      : 'No model is deployed yet. Once a training job finishes and passes the quality gate, it appears here.';
    return {
      status: { message: `${why} This page checks again every ${POLL_MS / 1000} s.`, error: false },
      model: null,
      live: false,
      poll: true,
    };
  }
  return {
    status: { message: `Could not read the live model: ${errorOf(model).message}.`, error: true },
    live: false,
    poll: true,
  };
}

export function unreachableModelView(error: unknown): ModelPanelView {
  const why = error instanceof Error ? error.message : String(error);
  return { status: { message: `Could not reach the API (${why}); retrying.`, error: true }, live: false, poll: true };
}

export function modelView(m: Partial<ModelDoc>): ModelView {
  const version = m.version || m.trainingJobName || null;
  const testAccuracy = m.metrics?.test_accuracy;
  const accuracy = typeof testAccuracy === 'number' ? testAccuracy : m.testAccuracy;
  const reference = referenceView(m.reference);
  const learning = learningView(m.feedback, m.history, version);
  const facts: ModelView['facts'] = [
    ['Version', version ?? 'unknown'],
    ['Trained at', when(m.trainedAt)],
    ['Deployed at', when(m.deployedAt)],
    ...referenceFacts(reference),
    ['Test split accuracy', typeof accuracy === 'number' ? `${(100 * accuracy).toFixed(2)}%` : 'not recorded'],
    ...robustnessFacts(m.robustness),
    ...trainingFacts(m.hyperparameters),
  ];
  if (m.dataset) {
    facts.push(['Data', m.dataset + (m.datasetVersion ? ` (${String(m.datasetVersion).slice(0, 12)})` : '')]);
  }
  const ev = m.evaluation;
  if (typeof ev?.testRows === 'number' && ev.testRows > 0)
    facts.push(['Test split images', ev.testRows.toLocaleString()]);
  if (!Array.isArray(ev?.perClassAccuracy) || !Array.isArray(ev.confusionMatrix)) {
    facts.push(['Per-digit report', 'not recorded for this model']);
    return { version, facts, report: null, reference, learning };
  }
  return {
    version,
    facts,
    reference,
    learning,
    report: {
      perClass: ev.perClassAccuracy.map((a) => `${(100 * a).toFixed(1)}%`),
      confusion: ev.confusionMatrix.map((row, actual) => confusionRow(row, actual)),
    },
  };
}

/** A time as the reader's locale writes it; the raw text if it is not a time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return 'not recorded';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/**
 * A heat-map row of the confusion matrix: how dark a cell is says its share of the row, on a
 * square-root scale so a handful of mistakes still shows; blue on the diagonal (right), red off it.
 */
export function confusionRow(row: readonly number[], actual: number): ConfusionCell[] {
  const total = row.reduce((a, b) => a + b, 0) || 1;
  return row.map((n, answered) => {
    const strength = n === 0 ? 0 : Math.max(0.08, Math.sqrt(n / total));
    const hue = actual === answered ? 215 : 5;
    const light = 97 - strength * 62;
    return {
      text: String(n),
      background: `hsl(${hue}, 70%, ${light.toFixed(0)}%)`,
      color: light < 60 ? '#fff' : '#1b1b1b',
      title: `${n} of ${total} true ${actual}s answered ${answered}`,
    };
  });
}
