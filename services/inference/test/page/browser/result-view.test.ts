import {
  barsView,
  emptyResult,
  failureView,
  formatPercent,
  predictionView,
} from '../../../src/page/browser/result-view';
import { answer, type SingleAnswer } from '../../../src/predict/response';

const probabilities = [0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];

describe('formatPercent', () => {
  it.each([
    [0.4237, '42.4%'],
    [0.9996, '100%'],
    [1, '100%'],
    [0.0004, '0%'],
    [0, '0%'],
    [0.0005, '0.1%'],
  ])('%d → %s', (p, text) => {
    expect(formatPercent(p)).toBe(text);
  });
});

describe('predictionView', () => {
  it('shows what the API answered: the digit, its confidence, ten bars, the image the model saw, the model', () => {
    // A real answer of POST /predict?debug=1, built by the API's own code.
    const body = answer([{ digit: 2, probability: 0.9, probabilities }], [{ pixels: new Float32Array(784) }], {
      batch: false,
      debug: true,
      model: {
        version: 'job-7',
        trainedAt: null,
        testAccuracy: 0.97,
        dataset: null,
        datasetVersion: null,
        deployedAt: '2026-01-01T00:00:00Z',
      },
    }) as SingleAnswer;

    const view = predictionView(body);

    expect(view).toMatchObject({
      digit: '2',
      confidence: '90.0% sure it is a 2.',
      modelVersion: 'job-7',
      status: { message: 'Answered by model job-7.', error: false },
    });
    expect(view.seen).toMatch(/^data:image\/png;base64,/);
    expect(view.bars).toHaveLength(10);
    expect(view.bars.filter((b) => b.top)).toEqual([{ digit: 2, width: '90.0%', label: '90.0%', top: true }]);
    expect(view.bars[0]).toEqual({ digit: 0, width: '1.0%', label: '1.0%', top: false });
  });

  it('copes with an answer that names no model and carries no image', () => {
    const view = predictionView({ digit: 5, confidence: 0.5, probabilities, model: null });

    expect(view.modelVersion).toBeNull();
    expect(view.seen).toBeNull();
    expect(view.status.message).toBe('Answered by model unknown.');
  });
});

describe('barsView', () => {
  it('shows empty bars marked – before any answer', () => {
    const bars = barsView([], -1);

    expect(bars.map((b) => b.label)).toEqual(Array(10).fill('–'));
    expect(bars.every((b) => b.width === '0.0%' && !b.top)).toBe(true);
    expect(emptyResult()).toEqual({ digit: '?', confidence: '', bars, seen: null });
  });
});

describe('failureView', () => {
  it('keeps the drawing to send again when no model can answer yet (503)', () => {
    const view = failureView({
      ok: false,
      status: 503,
      doc: { error: { code: 'NO_LIVE_MODEL', message: 'no model has been deployed yet' } },
    });

    expect(view).toEqual({
      retryWhenLive: true,
      status: {
        message:
          'No model can answer yet: no model has been deployed yet. Your drawing is sent again as soon as a model is live.',
        error: true,
      },
    });
  });

  it('asks to wait when throttled (429)', () => {
    expect(failureView({ ok: false, status: 429, doc: null })).toEqual({
      retryWhenLive: false,
      status: { message: 'Too many requests right now; wait a moment and draw again.', error: true },
    });
  });

  it("names the API's reason when it could not read the image", () => {
    const view = failureView({
      ok: false,
      status: 415,
      doc: { error: { code: 'UNSUPPORTED', message: 'send a PNG' } },
    });

    expect(view.retryWhenLive).toBe(false);
    expect(view.status.message).toBe('The API could not read this image: send a PNG (UNSUPPORTED).');
  });
});
