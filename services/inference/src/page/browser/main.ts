/**
 * The draw-a-digit page's script (served as /assets/app.js; scripts/build-page.ts bundles it):
 * wires the drawing pad, the upload, the result panel and the model panel together.
 */
import { showDrift } from './drift-panel';
import { CorrectionButtons } from './correction-buttons';
import { DrawingPad } from './drawing-pad';
import { ModelPanel } from './model-panel';
import { pageElements } from './page-elements';
import { PredictionRequests } from './prediction-requests';
import { ResultPanel } from './result-panel';
import type { StatusLine } from './status-line';
import { imageToPng, UploadPreview } from './upload';

/** How long after the pen lifts the drawing is sent: another stroke within it restarts the wait. */
const DEBOUNCE_MS = 350;
const BEGIN: StatusLine = { message: 'Draw a digit to begin.', error: false };

const el = pageElements(document);
const preview = new UploadPreview(el.preview);
const result = new ResultPanel(el);
const models: ModelPanel = new ModelPanel(el, () => predictions.modelIsLive());
const corrections = new CorrectionButtons(el, () => void models.load());
const predictions = new PredictionRequests(result, models, {
  answered: (image, type, view) =>
    corrections.offer({ image, type, predicted: view.predicted, model: view.modelVersion }),
  forgotten: () => corrections.withdraw(),
});
let sendTimer = 0;

const pad = new DrawingPad(el.pad, {
  strokeStarted() {
    window.clearTimeout(sendTimer);
    corrections.withdraw();
    if (preview.shown) preview.hide();
  },
  strokeEnded: () => sendDrawingSoon(),
  changed: (empty) => updateButtons(empty),
});

function updateButtons(empty = pad.empty): void {
  el.undo.disabled = empty;
  el.clear.disabled = empty && !preview.shown;
}

function sendDrawingSoon(): void {
  window.clearTimeout(sendTimer);
  sendTimer = window.setTimeout(() => {
    if (pad.empty) return;
    void pad.toPng().then((png) => png && predictions.send(png, 'image/png'));
  }, DEBOUNCE_MS);
}

function reset(status?: StatusLine): void {
  window.clearTimeout(sendTimer);
  predictions.reset(status);
}

function undo(): void {
  if (!pad.undo()) return;
  if (pad.empty) reset(BEGIN);
  else sendDrawingSoon();
}

el.undo.addEventListener('click', undo);
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z' && e.target !== el.upload) {
    e.preventDefault();
    undo();
  }
});

el.clear.addEventListener('click', () => {
  preview.hide();
  el.upload.value = '';
  pad.clear();
  reset(BEGIN);
});

el.upload.addEventListener('change', () => {
  const file = el.upload.files?.[0];
  if (!file) return;
  window.clearTimeout(sendTimer);
  preview.show(file);
  pad.clear();
  result.showStatus({ message: `Reading ${file.name}…`, error: false });
  imageToPng(file).then(
    (png) => predictions.send(png, 'image/png'),
    () => reset({ message: `Your browser could not read ${file.name} as an image. Try a PNG or JPEG.`, error: true }),
  );
});

void models.load();
void showDrift(document);
