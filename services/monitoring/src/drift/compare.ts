/**
 * How far the captured requests are from the reference: the Jensen–Shannon distance (base 2) of
 * each statistic's distribution — 0 for the same distribution, 1 for disjoint ones, symmetric and
 * defined for empty bins. The mean images are compared as distributions of ink over the 784 pixels.
 * One score per statistic; the run's score is the largest.
 */
import { FEATURES, type ImageStatistics } from '@digits/common';
import type { ModelAnswers } from './answers';

export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new RangeError(`distributions of ${p.length} and ${q.length} bins`);
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  if (sp <= 0 || sq <= 0) return sp === sq ? 0 : 1;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) divergence += (a / 2) * Math.log2(a / m);
    if (b > 0) divergence += (b / 2) * Math.log2(b / m);
  }
  return Math.sqrt(Math.max(0, Math.min(1, divergence)));
}

export interface Comparison {
  scores: Record<string, number>;
  score: number;
}

/**
 * The image statistics of the captures against the training set's, and — when both are known —
 * the live model's answers on the captures against its answers on the reference sample.
 */
export function compare(
  captured: ImageStatistics,
  reference: ImageStatistics,
  answers?: { captured: ModelAnswers; reference: ModelAnswers },
): Comparison {
  const scores: Record<string, number> = {};
  for (const f of FEATURES)
    scores[f] = jensenShannonDistance(captured.features[f].counts, reference.features[f].counts);
  scores.meanImage = jensenShannonDistance(captured.meanImage, reference.meanImage);
  if (answers) {
    scores.predictedClass = jensenShannonDistance(answers.captured.predicted, answers.reference.predicted);
    scores.confidence = jensenShannonDistance(answers.captured.confidence, answers.reference.confidence);
  }
  const rounded = Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  return { scores: rounded, score: Math.max(...Object.values(rounded)) };
}
