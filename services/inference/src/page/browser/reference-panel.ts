import type { PageElements } from './page-elements';
import type { ReferenceView } from './reference-view';

type ReferenceElements = Pick<PageElements, 'referenceReport' | 'referenceSet' | 'referencePerClass'>;

/** The reference set's accuracy per digit: its own table, shown only for a model scored on one. */
export function renderReference(el: ReferenceElements, view: ReferenceView | null): void {
  el.referenceReport.hidden = !view;
  if (!view) return;
  el.referenceSet.textContent = `Reference set ${view.set}: the same images for every model; the quality gate judges these.`;
  const table = el.referencePerClass;
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const text of ['Digit', 'Reference accuracy']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const [digit, text] of view.perClass.entries()) {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(digit);
    row.appendChild(th);
    row.insertCell().textContent = text;
  }
}
