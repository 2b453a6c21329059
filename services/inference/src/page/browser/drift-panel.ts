import { API_PATHS } from './api';
import { driftView, type DriftDoc } from './drift-view';

/** GET /drift; a failure shows nothing. */
async function getDrift(): Promise<Partial<DriftDoc> | null> {
  const res = await fetch(API_PATHS.drift);
  return res.ok ? ((await res.json()) as Partial<DriftDoc>) : null;
}

/**
 * The model panel's drift part: the latest drift report's verdict and each statistic's score
 * (Jensen–Shannon distance of the captured digits from the training set). Kept apart from
 * model-panel.ts: it has its own element (#drift-report) and its own request.
 */
export async function showDrift(doc: Document): Promise<void> {
  const section = doc.getElementById('drift-report');
  if (!section) return;
  const view = driftView(await getDrift().catch(() => null));
  section.hidden = !view;
  if (!view) return;
  const summary = doc.createElement('p');
  summary.textContent = view.summary;
  summary.className = view.drifted ? 'status error' : 'status';
  const list = doc.createElement('dl');
  list.className = 'facts';
  for (const [name, score] of view.rows) {
    const dt = doc.createElement('dt');
    dt.textContent = name;
    const dd = doc.createElement('dd');
    dd.textContent = score;
    list.append(dt, dd);
  }
  section.replaceChildren(...[section.querySelector('h3')].filter((h): h is HTMLHeadingElement => !!h), summary, list);
}
