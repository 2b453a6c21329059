import type { PageElements } from './page-elements';
import { emptyResult, type BarView, type ResultView } from './result-view';
import { renderStatus, type StatusLine } from './status-line';

type ResultElements = Pick<PageElements, 'result' | 'status' | 'digit' | 'confidence' | 'bars' | 'seen'>;

/** "The model thinks": the status line, the digit, its confidence, ten bars and the image the model saw. */
export class ResultPanel {
  readonly #el: ResultElements;

  constructor(el: ResultElements) {
    this.#el = el;
    this.#render(emptyResult());
  }

  /** aria-busy while a prediction is on its way (the browser test waits on it too). */
  set busy(busy: boolean) {
    this.#el.result.setAttribute('aria-busy', String(busy));
  }

  show(view: ResultView): void {
    this.#render(view);
    this.showStatus(view.status);
  }

  /** Back to no answer; the status line changes only if `status` is given. */
  reset(status?: StatusLine): void {
    this.busy = false;
    this.#render(emptyResult());
    if (status) this.showStatus(status);
  }

  showStatus(status: StatusLine): void {
    renderStatus(this.#el.status, status);
  }

  #render(view: Pick<ResultView, 'digit' | 'confidence' | 'bars' | 'seen'>): void {
    const { digit, confidence, bars, seen } = this.#el;
    digit.textContent = view.digit;
    confidence.textContent = view.confidence;
    bars.replaceChildren(...view.bars.map(barItem));
    if (view.seen) seen.src = view.seen;
    else seen.removeAttribute('src');
    seen.hidden = !view.seen;
  }
}

function barItem(bar: BarView): HTMLLIElement {
  const li = document.createElement('li');
  if (bar.top) li.className = 'top';
  const track = span('bar');
  track.setAttribute('aria-hidden', 'true');
  const fill = span('fill');
  // CSSOM, not a style attribute: allowed under the page's CSP (style-src 'self').
  fill.style.width = bar.width;
  track.append(fill);
  li.append(span('', String(bar.digit)), track, span('pct', bar.label));
  return li;
}

function span(className: string, text = ''): HTMLSpanElement {
  const el = document.createElement('span');
  if (className) el.className = className;
  el.textContent = text;
  return el;
}
