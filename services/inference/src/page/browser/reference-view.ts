import type { ModelDoc } from './api';

/**
 * The live model's scores on the stage's reference set (what the quality gate judged), worked
 * out from GET /model's `reference`. Pure: reference-panel.ts renders it.
 */
export interface ReferenceView {
  /** e.g. "r-0123456789abcdef (10,000 images)". */
  set: string;
  overall: string;
  /** Accuracy of each digit, as text. */
  perClass: string[];
}

const percent = (a: number, digits: number) => `${(100 * a).toFixed(digits)}%`;

export function referenceView(ref: ModelDoc['reference'] | undefined): ReferenceView | null {
  if (
    !ref ||
    typeof ref.version !== 'string' ||
    typeof ref.accuracy !== 'number' ||
    !Array.isArray(ref.perClassAccuracy)
  )
    return null;
  const rows = typeof ref.rows === 'number' ? ` (${ref.rows.toLocaleString()} images)` : '';
  return {
    set: `${ref.version}${rows}`,
    overall: percent(ref.accuracy, 2),
    perClass: ref.perClassAccuracy.map((a) => percent(a, 1)),
  };
}

/** The facts the panel lists for the reference set (or says it has none). */
export function referenceFacts(view: ReferenceView | null): Array<[name: string, value: string]> {
  return view
    ? [
        ['Reference set', view.set],
        ['Reference accuracy', view.overall],
      ]
    : [['Reference set', 'not scored on one (recorded before reference sets)']];
}
