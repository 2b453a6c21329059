import type { ApiAnswer, FeedbackDoc, HistoryEntryDoc } from '../../../src/page/browser/api';
import {
  correctionSentView,
  historyRow,
  learningView,
  nextTrainingText,
  scheduleText,
} from '../../../src/page/browser/learning-view';

const status = { pending: 12, minCorrections: 100, schedule: 'rate(1 day)', learnedFrom: 0 };
const entry: HistoryEntryDoc = {
  trainingJobName: 'digits-dev-2',
  recordedAt: '2026-01-02T00:00:00.000Z',
  status: 'Completed',
  dataset: 'corrections',
  datasetVersion: '0123456789abcdef',
  testAccuracy: 0.9912,
  reference: { version: 'r-1', accuracy: 0.9876 },
  feedback: {
    initModel: 'digits-dev-1',
    corrections: 80,
    heldOut: 20,
    heldOutAccuracy: 0.9,
    initHeldOutAccuracy: 0.45,
    replayRows: 6000,
  },
  gate: { deploy: false, reason: 'MNIST accuracy dropped 0.3 points (limit 0.1)' },
};

describe('scheduleText', () => {
  it.each([
    ['rate(1 day)', 'every day'],
    ['rate(6 hours)', 'every 6 hours'],
    ['rate(30 minutes)', 'every 30 minutes'],
    ['cron(0 3 * * ? *)', 'on the schedule cron(0 3 * * ? *)'],
  ])('%s → %s', (schedule, text) => expect(scheduleText(schedule)).toBe(text));
});

describe('nextTrainingText', () => {
  it('says how many more corrections start a retraining, or the schedule', () => {
    expect(nextTrainingText(status)).toBe('after 88 more corrections (at 100), or every day if any are waiting');
    expect(nextTrainingText({ ...status, pending: 99 })).toBe(
      'after 1 more correction (at 100), or every day if any are waiting',
    );
  });

  it('says it starts now once enough wait, and what it needs when the count is unknown', () => {
    expect(nextTrainingText({ ...status, pending: 100 })).toBe('now: 100 corrections are waiting (100 start one)');
    expect(nextTrainingText({ ...status, pending: null })).toBe(
      'when 100 corrections are waiting, or every day if any are waiting',
    );
  });
});

describe('learningView', () => {
  it('lists what the live model learned from, what waits and when the next retraining starts', () => {
    expect(learningView({ ...status, learnedFrom: 100 }, [], 'x')!.facts).toEqual([
      ['Live model learned from', '100 corrections'],
      ['Waiting', '12 corrections'],
      ['Next retraining', 'after 88 more corrections (at 100), or every day if any are waiting'],
    ]);
    expect(learningView(status, [], 'x')!.facts[0]).toEqual(['Live model learned from', 'no corrections yet']);
  });

  it('is null when the API says nothing of corrections or history (an older API)', () => {
    expect(learningView(undefined, undefined, 'x')).toBeNull();
  });
});

describe('historyRow', () => {
  it('counts, image by image, what the candidate fixed and broke on the held-out corrections when the record has them', () => {
    const counted = { ...entry, feedback: { ...entry.feedback!, fixed: 9, broken: 0 } };
    expect(historyRow(counted, null).scores).toBe(
      'reference 98.76%; test split 99.12%; held-out corrections 90.0% (was 45.0%: 9 fixed, 0 broken)',
    );
  });

  it('shows a model trained on corrections: its data, scores beside the starting model, the gate and its reason', () => {
    const row = historyRow(entry, 'digits-dev-1');
    expect(row).toEqual({
      when: new Date(entry.recordedAt).toLocaleString(),
      model: 'digits-dev-2',
      learnedFrom: '80 corrections (+20 held out) and 6,000 MNIST images, from digits-dev-1',
      scores: 'reference 98.76%; test split 99.12%; held-out corrections 90.0% (was 45.0%)',
      decision: 'kept the live model',
      reason: 'MNIST accuracy dropped 0.3 points (limit 0.1)',
      deployed: false,
    });
  });

  it('marks the live model, and shows a dataset model by its data', () => {
    const row = historyRow(
      { ...entry, feedback: null, dataset: 'mnist', gate: { deploy: true, reason: 'first model' } },
      'digits-dev-2',
    );
    expect(row).toMatchObject({
      model: 'digits-dev-2 (live)',
      learnedFrom: 'mnist (0123456789ab)',
      scores: 'reference 98.76%; test split 99.12%',
      decision: 'deployed',
      deployed: true,
    });
  });
});

describe('correctionSentView', () => {
  const answer = (status: number, doc: ApiAnswer<FeedbackDoc>['doc']): ApiAnswer<FeedbackDoc> => ({
    ok: status < 300,
    status,
    doc,
  });

  it('thanks and says how many corrections wait', () => {
    expect(correctionSentView(answer(202, { id: 'a', pending: 3 }), 7)).toEqual({
      message: 'Thanks — 3 corrections waiting for the next training.',
      error: false,
    });
    expect(correctionSentView(answer(202, { id: 'a', pending: 1 }), 7).message).toBe(
      'Thanks — 1 correction waiting for the next training.',
    );
    expect(correctionSentView(answer(202, { id: 'a', pending: null }), 7).message).toBe(
      'Thanks — your 7 is saved for the next training.',
    );
  });

  it('says when it was not saved, and why', () => {
    expect(correctionSentView(answer(429, null), 7)).toEqual({
      message: 'Too many corrections right now; try again in a moment.',
      error: true,
    });
    expect(correctionSentView(answer(400, { error: { code: 'BAD_LABEL', message: 'label is missing' } }), 7)).toEqual({
      message: 'The correction was not saved: label is missing.',
      error: true,
    });
  });
});
