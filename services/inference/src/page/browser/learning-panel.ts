import type { LearningView } from './learning-view';
import type { PageElements } from './page-elements';

type LearningElements = Pick<PageElements, 'learningReport' | 'learningFacts' | 'history'>;

/** The model panel's "Learning from corrections" part: the counts, the next retraining and the model history. */
export function renderLearning(el: LearningElements, view: LearningView | null): void {
  el.learningReport.hidden = !view;
  if (!view) return;
  el.learningFacts.hidden = view.facts.length === 0;
  el.learningFacts.replaceChildren(
    ...view.facts.flatMap(([name, value]) => [element('dt', name), element('dd', value)]),
  );
  const table = el.history;
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const text of ['Recorded', 'Model', 'Learned from', 'Scores', 'Gate', 'Reason']) {
    head.appendChild(element('th', text)).scope = 'col';
  }
  const body = table.createTBody();
  for (const row of view.history) {
    const tr = body.insertRow();
    tr.className = row.deployed ? 'deployed' : 'refused';
    for (const text of [row.when, row.model, row.learnedFrom, row.scores, row.decision, row.reason])
      tr.insertCell().textContent = text;
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}
