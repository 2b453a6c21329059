/** metadata.json both ways: what the trainer writes, serve and the training service read back. */
import {
  ModelReportError,
  encodeModelMetadata,
  modelEvaluation,
  parseModelMetadata,
  type ModelMetadata,
} from '../src/model-report';

const confusionMatrix = Array.from({ length: 10 }, (_, d) => Array.from({ length: 10 }, (_, p) => (d === p ? 9 : 0)));
const METADATA: ModelMetadata = {
  hyperparameters: { epochs: 2, batch_size: '128' },
  dataManifest: { dataset: 'mnist', version: 'v-abc' },
  trainRows: 600,
  testRows: 90,
  testAccuracy: 1,
  perClassAccuracy: Array(10).fill(1),
  confusionMatrix,
  trainingSeconds: 12.5,
  trainedAt: '2026-01-01T00:00:00.000Z',
  versions: { '@tensorflow/tfjs': '4.22.0' },
  backend: 'wasm',
  input: { shape: [28, 28, 1], scale: '0..1' },
};

const ROBUSTNESS = {
  suite: 'digits-c-1',
  source: 'reference r-0123456789abcdef',
  images: 100,
  clean: 0.95,
  corruptions: { rotate: 0.9, noise: 0.7 },
  mean: 0.8,
};

describe('the model report (metadata.json)', () => {
  it('reads back exactly what was written, and its evaluation part', () => {
    const read = parseModelMetadata(encodeModelMetadata(METADATA), 'model/metadata.json');
    expect(read).toEqual(METADATA);
    const feedback = {
      initModel: 'digits-local--mnist-abc-a1',
      corrections: 80,
      heldOut: 20,
      heldOutAccuracy: 0.9,
      initHeldOutAccuracy: 0.3,
      replayRows: 2000,
    };
    expect(parseModelMetadata(encodeModelMetadata({ ...METADATA, feedback }), 'm').feedback).toEqual(feedback);
    expect(parseModelMetadata(encodeModelMetadata({ ...METADATA, robustness: ROBUSTNESS }), 'm').robustness).toEqual(
      ROBUSTNESS,
    );
    expect(modelEvaluation(read)).toEqual({
      testRows: 90,
      perClassAccuracy: METADATA.perClassAccuracy,
      confusionMatrix,
    });
  });

  // Serve once checked only the first, training only the second group: now every reader checks all.
  it.each([
    ['not JSON', '{oops', 'not valid JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['a test accuracy that is not a rate', { ...METADATA, testAccuracy: 'high' }, 'testAccuracy'],
    ['no input shape', { ...METADATA, input: undefined }, 'input.shape'],
    ['no hyperparameters', { ...METADATA, hyperparameters: null }, 'hyperparameters'],
    ['no test row count', { ...METADATA, testRows: -1 }, 'testRows must be a count'],
    ['9 classes', { ...METADATA, perClassAccuracy: Array(9).fill(1) }, 'perClassAccuracy must be 10 numbers'],
    ['an accuracy above 1', { ...METADATA, perClassAccuracy: [...Array(9).fill(1), 1.5] }, 'perClassAccuracy'],
    [
      'a 9-row confusion matrix',
      { ...METADATA, confusionMatrix: confusionMatrix.slice(1) },
      'confusionMatrix must be 10×10',
    ],
    [
      'feedback scores without a held-out accuracy',
      {
        ...METADATA,
        feedback: { initModel: null, corrections: 1, heldOut: 1, replayRows: 0, initHeldOutAccuracy: null },
      },
      'feedback.heldOutAccuracy',
    ],
    [
      'more fixed held-out corrections than there are',
      {
        ...METADATA,
        feedback: {
          initModel: 'm',
          corrections: 1,
          heldOut: 2,
          replayRows: 0,
          heldOutAccuracy: 1,
          initHeldOutAccuracy: 0,
          fixed: 3,
          broken: 0,
        },
      },
      'feedback.fixed must be a count of held-out corrections',
    ],
    ['robustness without a suite', { ...METADATA, robustness: { ...ROBUSTNESS, suite: '' } }, 'robustness.suite'],
    ['robustness on no images', { ...METADATA, robustness: { ...ROBUSTNESS, images: 0 } }, 'robustness.images'],
    [
      'a corruption accuracy above 1',
      { ...METADATA, robustness: { ...ROBUSTNESS, corruptions: { noise: 2 } } },
      'robustness.corruptions',
    ],
    ['no corruptions', { ...METADATA, robustness: { ...ROBUSTNESS, corruptions: {} } }, 'robustness.corruptions'],
    ['a mean that is not a rate', { ...METADATA, robustness: { ...ROBUSTNESS, mean: null } }, 'robustness.mean'],
  ])('refuses %s, naming the file', (_what, doc, message) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    expect(() => parseModelMetadata(text, 'model/metadata.json')).toThrow(ModelReportError);
    expect(() => parseModelMetadata(text, 'model/metadata.json')).toThrow(`model/metadata.json: `);
    expect(() => parseModelMetadata(text, 'model/metadata.json')).toThrow(message);
  });
});
