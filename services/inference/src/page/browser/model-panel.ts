import { getHealth, getModel } from './api';
import {
  modelPanelView,
  POLL_MS,
  unreachableModelView,
  type ConfusionCell,
  type ModelPanelView,
  type ModelView,
} from './model-view';
import type { PageElements } from './page-elements';
import { renderLearning } from './learning-panel';
import { renderReference } from './reference-panel';
import { renderStatus } from './status-line';

type ModelElements = Pick<
  PageElements,
  | 'model'
  | 'modelStatus'
  | 'facts'
  | 'perClassReport'
  | 'perClass'
  | 'report'
  | 'confusion'
  | 'referenceReport'
  | 'referenceSet'
  | 'referencePerClass'
  | 'learningReport'
  | 'learningFacts'
  | 'history'
>;

/**
 * "The live model": its facts, per-digit accuracy and confusion matrix. Asks GET /model (and
 * GET /health, to tell a rollout from no model) now, and again every POLL_MS until a model is
 * live and no rollout is under way.
 */
export class ModelPanel {
  /** The version on show (null: none), so an answer from another model can trigger a reload. */
  version: string | null = null;
  #pollTimer = 0;

  /** `live` is called each time a model is found live. */
  readonly #el: ModelElements;
  readonly #live: () => void;

  constructor(el: ModelElements, live: () => void) {
    this.#el = el;
    this.#live = live;
  }

  async load(): Promise<void> {
    window.clearTimeout(this.#pollTimer);
    let view: ModelPanelView;
    try {
      const [model, health] = await Promise.all([getModel(), getHealth()]);
      view = modelPanelView(model, health);
    } catch (e) {
      view = unreachableModelView(e);
    }
    this.#el.model.setAttribute('aria-busy', 'false');
    if (view.model !== undefined) this.#showModel(view.model);
    renderStatus(this.#el.modelStatus, view.status);
    this.#el.modelStatus.hidden = !view.status.message;
    if (view.live) this.#live();
    if (view.poll) this.#pollTimer = window.setTimeout(() => void this.load(), POLL_MS);
  }

  #showModel(model: ModelView | null): void {
    const { facts, report, perClassReport } = this.#el;
    this.version = model?.version ?? null;
    facts.hidden = !model;
    if (model)
      facts.replaceChildren(...model.facts.flatMap(([name, value]) => [element('dt', name), element('dd', value)]));
    if (model?.report) {
      this.#renderPerClass(model.report.perClass);
      this.#renderConfusion(model.report.confusion);
    }
    report.hidden = perClassReport.hidden = !model?.report;
    renderReference(this.#el, model?.reference ?? null);
    renderLearning(this.#el, model?.learning ?? null);
  }

  #renderPerClass(accuracy: string[]): void {
    const table = this.#el.perClass;
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    cell(head, 'th', 'Digit').scope = 'col';
    cell(head, 'th', 'Test accuracy').scope = 'col';
    const body = table.createTBody();
    for (const [digit, text] of accuracy.entries()) {
      const row = body.insertRow();
      cell(row, 'th', String(digit)).scope = 'row';
      cell(row, 'td', text);
    }
  }

  #renderConfusion(matrix: ConfusionCell[][]): void {
    const table = this.#el.confusion;
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    cell(head, 'td', '');
    for (const digit of matrix.keys()) cell(head, 'th', String(digit)).scope = 'col';
    const body = table.createTBody();
    for (const [actual, cells] of matrix.entries()) {
      const row = body.insertRow();
      cell(row, 'th', String(actual)).scope = 'row';
      for (const c of cells) {
        const td = cell(row, 'td', c.text);
        // CSSOM, not a style attribute: allowed under the page's CSP (style-src 'self').
        td.style.backgroundColor = c.background;
        td.style.color = c.color;
        td.title = c.title;
      }
    }
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function cell<K extends 'th' | 'td'>(row: HTMLTableRowElement, tag: K, text: string): HTMLElementTagNameMap[K] {
  return row.appendChild(element(tag, text));
}
