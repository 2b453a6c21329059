import type { ApiAnswer, HealthDoc, ModelDoc } from '../../../src/page/browser/api';
import { confusionRow, modelPanelView, modelView, POLL_MS, when } from '../../../src/page/browser/model-view';

const record: ModelDoc = {
  version: 'digits-2026-01-01-12-00-00',
  trainingJobName: 'digits-2026-01-01-12-00-00',
  trainedAt: '2026-01-01T12:05:00Z',
  deployedAt: '2026-01-01T12:10:00Z',
  testAccuracy: 0.95,
  metrics: { test_accuracy: 0.9712 },
  dataset: 'mnist',
  datasetVersion: '0123456789abcdef0123',
  evaluation: {
    testRows: 10_000,
    perClassAccuracy: [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9],
    confusionMatrix: Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r === c ? 90 : 1))),
  },
  reference: {
    version: 'r-0123456789abcdef',
    rows: 10_000,
    accuracy: 0.9312,
    perClassAccuracy: [0.98, 0.99, 0.92, 0.91, 0.94, 0.96, 0.93, 0.88, 0.88, 0.91],
  },
  hyperparameters: { epochs: 5, batch_size: 128, learning_rate: 0.003, seed: 42 },
  robustness: {
    suite: 'digits-c-1',
    source: 'reference r-0123456789abcdef',
    images: 100,
    clean: 0.97,
    mean: 0.9,
    corruptions: { rotate: 0.94, noise: 0.8, 'lowres-8': 0.96 },
  },
};
const ok = (doc: Partial<ModelDoc>): ApiAnswer<ModelDoc> => ({ ok: true, status: 200, doc });
const noModel: ApiAnswer<ModelDoc> = { ok: false, status: 503, doc: { error: { code: 'NO_LIVE_MODEL' } } };
const endpoint = (status: string): ApiAnswer<HealthDoc> => ({ ok: true, status: 200, doc: { endpoint: { status } } });

describe('modelPanelView', () => {
  it('shows the live model and stops asking once it is live and no rollout is under way', () => {
    const view = modelPanelView(ok(record), endpoint('InService'));

    expect(view).toMatchObject({ status: { message: '', error: false }, live: true, poll: false });
    expect(view.model?.version).toBe(record.version);
  });

  it('keeps showing the live model during a rollout, says so, and asks again', () => {
    const view = modelPanelView(ok(record), endpoint('Updating'));

    expect(view.status.message).toBe(
      'The endpoint is Updating: a new model is being rolled out; answers come from the model below until it finishes.',
    );
    expect(view).toMatchObject({ live: true, poll: true });
    expect(view.model).not.toBeNull();
  });

  it('hides the model and polls while none is deployed (503)', () => {
    expect(modelPanelView(noModel, endpoint('NotFound'))).toEqual({
      status: {
        message: `No model is deployed yet. Once a training job finishes and passes the quality gate, it appears here. This page checks again every ${POLL_MS / 1000} s.`,
        error: false,
      },
      model: null,
      live: false,
      poll: true,
    });
  });

  it('says the first model is on its way while the endpoint is being created', () => {
    expect(modelPanelView(noModel, endpoint('Creating')).status.message).toMatch(
      /^The endpoint is Creating: the first model is being deployed/,
    );
  });

  it('does without /health when it could not be read', () => {
    expect(modelPanelView(ok(record), null)).toMatchObject({ live: true, poll: false });
    expect(modelPanelView(ok(record), { ok: false, status: 500, doc: null })).toMatchObject({ poll: false });
  });

  it('reports another failure as an error, keeps what it shows, and retries', () => {
    const view = modelPanelView(
      { ok: false, status: 500, doc: { error: { message: 'registry/live.json is not JSON' } } },
      null,
    );

    expect(view).toEqual({
      status: { message: 'Could not read the live model: registry/live.json is not JSON.', error: true },
      live: false,
      poll: true,
    });
    expect('model' in view).toBe(false);
  });
});

describe('modelView', () => {
  it('lists the facts, the reference and test split accuracy per digit and the confusion matrix', () => {
    const view = modelView(record);

    expect(Object.fromEntries(view.facts)).toEqual({
      Version: record.version,
      'Trained at': new Date(record.trainedAt!).toLocaleString(),
      'Deployed at': new Date(record.deployedAt).toLocaleString(),
      'Reference set': `r-0123456789abcdef (${(10_000).toLocaleString()} images)`,
      'Reference accuracy': '93.12%',
      'Test split accuracy': '97.12%',
      Robustness: 'mean 90.0% over 3 corruptions, 100 images each; uncorrupted 97.0%',
      'Weakest under': 'noise 80.0%, rotate 94.0%, lowres-8 96.0%',
      'Trained with': '1 CNN, 5 epochs, no augmentation',
      Data: 'mnist (0123456789ab)',
      'Test split images': (10_000).toLocaleString(),
    });
    expect(view.reference?.perClass).toEqual([
      '98.0%',
      '99.0%',
      '92.0%',
      '91.0%',
      '94.0%',
      '96.0%',
      '93.0%',
      '88.0%',
      '88.0%',
      '91.0%',
    ]);
    expect(view.report?.perClass).toEqual([
      '99.0%',
      '98.0%',
      '97.0%',
      '96.0%',
      '95.0%',
      '94.0%',
      '93.0%',
      '92.0%',
      '91.0%',
      '90.0%',
    ]);
    expect(view.report?.confusion).toHaveLength(10);
    expect(view.report?.confusion[3]![3]!.text).toBe('90');
  });

  it('says what is not recorded for an old record', () => {
    const view = modelView({ trainingJobName: 'digits-old', testAccuracy: 0.91, evaluation: null, dataset: null });

    expect(view.version).toBe('digits-old');
    expect(Object.fromEntries(view.facts)).toEqual({
      Version: 'digits-old',
      'Trained at': 'not recorded',
      'Deployed at': 'not recorded',
      'Reference set': 'not scored on one (recorded before reference sets)',
      'Test split accuracy': '91.00%',
      Robustness: 'not scored (trained before robustness scores)',
      'Trained with': 'not recorded for this model',
      'Per-digit report': 'not recorded for this model',
    });
    expect(view.report).toBeNull();
    expect(view.reference).toBeNull();
  });

  it('shows an unknown version and accuracy rather than failing on an empty record', () => {
    expect(modelView({})).toMatchObject({
      version: null,
      facts: expect.arrayContaining([
        ['Version', 'unknown'],
        ['Test split accuracy', 'not recorded'],
      ]),
      report: null,
    });
  });
});

describe('when', () => {
  it('shows text that is not a time as it is', () => {
    expect(when('yesterday')).toBe('yesterday');
    expect(when(null)).toBe('not recorded');
  });
});

describe('confusionRow', () => {
  it('colours right answers blue and mistakes red, darker for a larger share of the row', () => {
    const [right, mistake, none] = confusionRow([96, 4, 0], 0);

    expect(right).toEqual({
      text: '96',
      background: 'hsl(215, 70%, 36%)',
      color: '#fff',
      title: '96 of 100 true 0s answered 0',
    });
    expect(mistake).toEqual({
      text: '4',
      background: 'hsl(5, 70%, 85%)',
      color: '#1b1b1b',
      title: '4 of 100 true 0s answered 1',
    });
    expect(none!.background).toBe('hsl(5, 70%, 97%)');
  });

  it('still shows a single mistake among thousands', () => {
    const [, rare] = confusionRow([9999, 1], 0);

    expect(rare!.background).not.toBe('hsl(5, 70%, 97%)');
  });

  it('does not divide by zero for a digit with no test images', () => {
    expect(confusionRow([0, 0], 1).map((c) => c.title)).toEqual([
      '0 of 1 true 1s answered 0',
      '0 of 1 true 1s answered 1',
    ]);
  });
});
