import { postFeedback } from './api';
import { correctionSentView } from './learning-view';
import type { PageElements } from './page-elements';
import { renderStatus } from './status-line';

type CorrectionElements = Pick<PageElements, 'correction' | 'correctionDigits' | 'correctionStatus'>;

/** An answer the user may correct: the very image sent to predict, and what the model said. */
export interface Answered {
  image: Blob;
  type: string;
  predicted: number | null;
  model: string | null;
}

/**
 * "Wrong? It is a: 0 1 … 9" under each answer (also keys 0–9). A choice sends the image the page
 * sent to predict to POST /feedback and says how many corrections wait; the request runs on its
 * own, so drawing goes on meanwhile. One correction per answer: a new stroke, upload or clear
 * withdraws the offer until the next answer.
 */
export class CorrectionButtons {
  #offered: Answered | null = null;
  readonly #el: CorrectionElements;
  readonly #sent: () => void;

  /** `sent` is called after a correction was stored (the model panel then shows the new count). */
  constructor(el: CorrectionElements, sent: () => void) {
    this.#el = el;
    this.#sent = sent;
    el.correctionDigits.addEventListener('click', (e) => {
      const digit = (e.target as HTMLElement).closest('button')?.dataset.digit;
      if (digit !== undefined) void this.send(Number(digit));
    });
    document.addEventListener('keydown', (e) => {
      if (!/^[0-9]$/.test(e.key) || e.ctrlKey || e.metaKey || e.altKey || isTextEntry(e.target)) return;
      if (!this.#offered) return;
      e.preventDefault();
      void this.send(Number(e.key));
    });
  }

  offer(answered: Answered): void {
    this.#offered = answered;
    this.#el.correction.hidden = false;
    for (const button of this.#buttons()) {
      button.disabled = false;
      button.setAttribute('aria-pressed', 'false');
    }
  }

  withdraw(): void {
    this.#offered = null;
    this.#el.correction.hidden = true;
  }

  async send(label: number): Promise<void> {
    const answered = this.#offered;
    if (!answered) return;
    for (const button of this.#buttons()) {
      button.disabled = true;
      button.setAttribute('aria-pressed', String(button.dataset.digit === String(label)));
    }
    renderStatus(this.#el.correctionStatus, { message: `Sending "it is a ${label}"…`, error: false });
    try {
      const answer = await postFeedback(answered.image, answered.type, {
        label,
        predicted: answered.predicted,
        model: answered.model,
      });
      renderStatus(this.#el.correctionStatus, correctionSentView(answer, label));
      if (answer.ok) {
        if (this.#offered === answered) this.withdraw();
        this.#sent();
        return;
      }
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      renderStatus(this.#el.correctionStatus, { message: `The correction was not sent (${why}).`, error: true });
    }
    // Not stored: the same answer can be corrected again.
    if (this.#offered === answered) for (const button of this.#buttons()) button.disabled = false;
  }

  #buttons(): HTMLButtonElement[] {
    return Array.from(this.#el.correctionDigits.querySelectorAll<HTMLButtonElement>('button[data-digit]'));
  }
}

function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
  );
}
