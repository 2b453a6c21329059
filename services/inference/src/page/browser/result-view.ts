import { errorOf, type ApiAnswer, type PredictionDoc } from './api';
import type { StatusLine } from './status-line';

/** What the result panel shows, worked out from an answer of POST /predict. Pure: the panel renders it. */

export interface BarView {
  digit: number;
  /** CSS width of the filled part, e.g. `42.0%`. */
  width: string;
  /** The probability as shown, or `–` when there is none. */
  label: string;
  top: boolean;
}

export interface ResultView {
  digit: string;
  confidence: string;
  bars: BarView[];
  /** data: URL of the 28×28 image the model saw, if the API sent it. */
  seen: string | null;
  /** The model version that answered, if the API said. */
  modelVersion: string | null;
  /** The digit answered, if the API said (what a correction says the model got wrong). */
  predicted: number | null;
  status: StatusLine;
}

/** What went wrong with a prediction, and whether the drawing should be sent again once a model is live. */
export interface FailureView {
  status: StatusLine;
  retryWhenLive: boolean;
}

export const DIGITS = 10;

/** A probability as a percentage: one decimal, none at the ends (`100%`, `0%`) where a decimal would mislead. */
export function formatPercent(p: number): string {
  const v = 100 * p;
  return `${v >= 99.95 || v < 0.05 ? v.toFixed(0) : v.toFixed(1)}%`;
}

/** One bar per digit; `top` is highlighted. With no probabilities, empty bars labelled `–`. */
export function barsView(probabilities: readonly unknown[], top: number): BarView[] {
  return Array.from({ length: DIGITS }, (_, digit) => {
    const value = probabilities[digit];
    const p = typeof value === 'number' ? value : 0;
    return {
      digit,
      width: `${(100 * p).toFixed(1)}%`,
      label: probabilities.length > 0 ? formatPercent(p) : '–',
      top: digit === top,
    };
  });
}

/** The panel before any answer: nothing predicted yet. */
export function emptyResult(): Pick<ResultView, 'digit' | 'confidence' | 'bars' | 'seen'> {
  return { digit: '?', confidence: '', bars: barsView([], -1), seen: null };
}

export function predictionView(doc: Partial<PredictionDoc>): ResultView {
  const probabilities = Array.isArray(doc.probabilities) ? doc.probabilities : [];
  const digit = typeof doc.digit === 'number' ? doc.digit : -1;
  const modelVersion = doc.model?.version ?? null;
  return {
    digit: String(doc.digit),
    confidence: `${formatPercent(Number(doc.confidence))} sure it is a ${doc.digit}.`,
    bars: barsView(probabilities, digit),
    seen: typeof doc.input?.png === 'string' && doc.input.png ? doc.input.png : null,
    modelVersion,
    predicted: Number.isInteger(doc.digit) && digit >= 0 && digit <= 9 ? digit : null,
    status: { message: `Answered by model ${modelVersion || 'unknown'}.`, error: false },
  };
}

export function failureView(answer: ApiAnswer<unknown>): FailureView {
  const { code, message } = errorOf(answer);
  if (answer.status === 503) {
    return {
      status: {
        message: `No model can answer yet: ${message}. Your drawing is sent again as soon as a model is live.`,
        error: true,
      },
      retryWhenLive: true,
    };
  }
  if (answer.status === 429) {
    return {
      status: { message: 'Too many requests right now; wait a moment and draw again.', error: true },
      retryWhenLive: false,
    };
  }
  return {
    status: { message: `The API could not read this image: ${message} (${code}).`, error: true },
    retryWhenLive: false,
  };
}

export function unreachableView(error: unknown): StatusLine {
  const why = error instanceof Error ? error.message : String(error);
  return { message: `Could not reach the API (${why}). Check your connection and try again.`, error: true };
}
