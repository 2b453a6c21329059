import { predict } from './api';
import type { ResultPanel } from './result-panel';
import { failureView, predictionView, unreachableView, type ResultView } from './result-view';
import type { StatusLine } from './status-line';

/** Told when an answer is shown for an image, and when the shown answer goes (for the correction buttons). */
export interface AnswerListener {
  answered(image: Blob, type: string, view: ResultView): void;
  forgotten(): void;
}

const NO_LISTENER: AnswerListener = { answered: () => undefined, forgotten: () => undefined };

interface Request {
  image: Blob;
  type: string;
}

/**
 * Sends images to POST /predict and shows the answers in the result panel. Only the latest
 * request's answer is shown (an answer to an older drawing that arrives late is dropped), and an
 * image no model could answer (503) waits to be sent again once one is live.
 */
export class PredictionRequests {
  #latest = 0;
  #waitingForModel: Request | null = null;

  /** `models`: the model panel, which shows `version` and is reloaded when an answer names another. */
  readonly #panel: ResultPanel;
  readonly #models: { readonly version: string | null; load(): Promise<void> };
  readonly #listener: AnswerListener;

  constructor(
    panel: ResultPanel,
    models: { readonly version: string | null; load(): Promise<void> },
    listener: AnswerListener = NO_LISTENER,
  ) {
    this.#panel = panel;
    this.#models = models;
    this.#listener = listener;
  }

  async send(image: Blob, type: string): Promise<void> {
    const request: Request = { image, type };
    const mine = ++this.#latest;
    this.#waitingForModel = null;
    this.#listener.forgotten();
    this.#panel.busy = true;
    this.#panel.showStatus({ message: 'Asking the model…', error: false });
    try {
      const answer = await predict(image, type);
      if (mine !== this.#latest) return;
      if (answer.ok) {
        const view = predictionView(answer.doc ?? {});
        this.#panel.show(view);
        this.#listener.answered(image, type, view);
        if (view.modelVersion !== null && view.modelVersion !== this.#models.version) void this.#models.load();
        return;
      }
      const failure = failureView(answer);
      this.reset(failure.status);
      if (failure.retryWhenLive) {
        this.#waitingForModel = request;
        void this.#models.load();
      }
    } catch (e) {
      if (mine === this.#latest) this.reset(unreachableView(e));
    } finally {
      if (mine === this.#latest) this.#panel.busy = false;
    }
  }

  /** A model is live: sends the image that was waiting for one, if any. */
  modelIsLive(): void {
    const waiting = this.#waitingForModel;
    if (waiting) void this.send(waiting.image, waiting.type);
  }

  /** Forgets every request (answers on their way are dropped) and empties the panel. */
  reset(status?: StatusLine): void {
    this.#latest++;
    this.#waitingForModel = null;
    this.#listener.forgotten();
    this.#panel.reset(status);
  }
}
