import { errorOf, type ApiAnswer, type FeedbackDoc, type FeedbackStatusDoc, type HistoryEntryDoc } from './api';
import type { StatusLine } from './status-line';

/**
 * What the page says about learning from corrections, worked out from GET /model and POST /feedback.
 * Pure: learning-panel.ts and correction-buttons.ts render it.
 */

export interface LearningView {
  facts: Array<[name: string, value: string]>;
  history: HistoryRowView[];
}

export interface HistoryRowView {
  when: string;
  model: string;
  learnedFrom: string;
  scores: string;
  decision: string;
  reason: string;
  deployed: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
const percent = (p: number, digits = 1) => `${(100 * p).toFixed(digits)}%`;

/** An EventBridge schedule in words: rate(1 day) → every day; anything else as written. */
export function scheduleText(schedule: string): string {
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(schedule.trim());
  if (!rate) return `on the schedule ${schedule}`;
  const n = Number(rate[1]);
  return n === 1 ? `every ${rate[2]}` : `every ${n} ${rate[2]}s`;
}

/** When the next retraining on corrections starts: how many more are needed, or the schedule. */
export function nextTrainingText({ pending, minCorrections, schedule }: FeedbackStatusDoc): string {
  const scheduled = `or ${scheduleText(schedule)} if any are waiting`;
  if (pending === null) return `when ${plural(minCorrections, 'correction')} are waiting, ${scheduled}`;
  if (pending >= minCorrections)
    return `now: ${plural(pending, 'correction')} are waiting (${minCorrections} start one)`;
  const more = minCorrections - pending;
  return `after ${plural(more, 'more correction')} (at ${minCorrections}), ${scheduled}`;
}

export function learningView(
  feedback: FeedbackStatusDoc | null | undefined,
  history: HistoryEntryDoc[] | undefined,
  liveVersion: string | null,
): LearningView | null {
  const rows = Array.isArray(history) ? history.map((h) => historyRow(h, liveVersion)) : [];
  if (!feedback && rows.length === 0) return null;
  const facts: LearningView['facts'] = [];
  if (feedback) {
    facts.push(
      [
        'Live model learned from',
        feedback.learnedFrom > 0 ? plural(feedback.learnedFrom, 'correction') : 'no corrections yet',
      ],
      ['Waiting', feedback.pending === null ? 'could not be counted just now' : plural(feedback.pending, 'correction')],
      ['Next retraining', nextTrainingText(feedback)],
    );
  }
  return { facts, history: rows };
}

export function historyRow(h: HistoryEntryDoc, liveVersion: string | null): HistoryRowView {
  const data = h.dataset ? h.dataset + (h.datasetVersion ? ` (${h.datasetVersion.slice(0, 12)})` : '') : 'unknown data';
  const fb = h.feedback;
  const learnedFrom = fb
    ? `${plural(fb.corrections, 'correction')} (+${fb.heldOut} held out) and ${plural(fb.replayRows, 'MNIST image')}` +
      (fb.initModel ? `, from ${fb.initModel}` : ', from scratch')
    : data;
  const scores = [
    h.reference ? `reference ${percent(h.reference.accuracy, 2)}` : null,
    typeof h.testAccuracy === 'number' ? `test split ${percent(h.testAccuracy, 2)}` : null,
    fb
      ? `held-out corrections ${percent(fb.heldOutAccuracy)}` +
        (fb.initHeldOutAccuracy === null ? '' : ` (was ${percent(fb.initHeldOutAccuracy)}${pairedText(fb)})`)
      : null,
  ].filter((s): s is string => s !== null);
  const live = h.trainingJobName === liveVersion;
  return {
    when: whenShort(h.recordedAt),
    model: live ? `${h.trainingJobName} (live)` : h.trainingJobName,
    learnedFrom,
    scores: scores.join('; ') || (h.status === 'Completed' ? 'not recorded' : h.status.toLowerCase()),
    decision: h.gate.deploy ? 'deployed' : 'kept the live model',
    reason: h.gate.reason,
    deployed: h.gate.deploy,
  };
}

/** The paired counts the gate judged the gain by, where the record has them. */
function pairedText(fb: { fixed?: number; broken?: number }): string {
  return typeof fb.fixed === 'number' && typeof fb.broken === 'number'
    ? `: ${fb.fixed} fixed, ${fb.broken} broken`
    : '';
}

function whenShort(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** What the page says once a correction was sent (or could not be). */
export function correctionSentView(answer: ApiAnswer<FeedbackDoc>, label: number): StatusLine {
  if (answer.ok) {
    const pending = answer.doc?.pending;
    if (typeof pending === 'number')
      return { message: `Thanks — ${plural(pending, 'correction')} waiting for the next training.`, error: false };
    return { message: `Thanks — your ${label} is saved for the next training.`, error: false };
  }
  if (answer.status === 429) return { message: 'Too many corrections right now; try again in a moment.', error: true };
  const { message } = errorOf(answer);
  return { message: `The correction was not saved: ${message}.`, error: true };
}
