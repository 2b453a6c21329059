/** What the model panel's drift part shows, worked out from GET /drift. Pure: drift-panel.ts renders it. */

/** GET /drift: the latest drift report (fields read defensively: any may be missing). */
export interface DriftDoc {
  report: {
    generatedAt?: string;
    samples?: number;
    score?: number;
    threshold?: number;
    status?: 'ok' | 'drift' | 'insufficient-data';
    scores?: Record<string, number>;
    note?: string;
  } | null;
}

export interface DriftView {
  /** One sentence: the verdict, when, on how many digits. */
  summary: string;
  drifted: boolean;
  /** [statistic, score] rows, largest first. */
  rows: Array<[string, string]>;
}

const LABELS: Readonly<Record<string, string>> = {
  inkMass: 'ink mass',
  bboxWidth: 'box width',
  bboxHeight: 'box height',
  centreX: 'centre (x)',
  centreY: 'centre (y)',
  meanImage: 'mean image',
  predictedClass: 'answers by digit',
  confidence: 'confidence',
};

/** Null when there is nothing to show (no report yet, or the answer is not one). */
export function driftView(doc: Partial<DriftDoc> | null): DriftView | null {
  const r = doc?.report;
  if (!r || typeof r.status !== 'string') return null;
  const when = r.generatedAt
    ? new Date(r.generatedAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
    : 'unknown time';
  const on = `${r.samples ?? 0} captured digits, ${when}`;
  const summary =
    r.status === 'insufficient-data'
      ? `Drift: not judged (${r.note ?? 'too few captured digits'}; ${on}).`
      : `Drift: ${r.status === 'drift' ? 'DRIFT' : 'none'} — largest score ${(r.score ?? 0).toFixed(2)} against the threshold ${(r.threshold ?? 0).toFixed(2)} (${on}).`;
  const rows = Object.entries(r.scores ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]): [string, string] => [LABELS[k] ?? k, v.toFixed(2)]);
  return { summary, drifted: r.status === 'drift', rows };
}
