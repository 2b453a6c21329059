/**
 * A model's scores on the corruption suite (packages/model's src/robust): written by the trainer
 * into metadata.json, copied into the registry record, answered by GET /model and shown on the page.
 */
import { isCount, isObject, isRate } from './json-checks';

export interface RobustnessScores {
  /** Version of the corruption suite (which corruptions, at which severities): compare like with like. */
  suite: string;
  /** Where the images came from: `reference <version>` (the stage's reference set) or `test` (the job's test split). */
  source: string;
  /** Images scored under each corruption: the same seeded subset of the source for every model. */
  images: number;
  /** Accuracy (0–1) of the uncorrupted images sent the same way, for comparison. */
  clean: number;
  /** Accuracy (0–1) per corruption, by name (rotate, noise, lowres-8, …). */
  corruptions: Record<string, number>;
  /** Mean of `corruptions` (clean excluded). */
  mean: number;
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** Checks robustness scores as any reader receives them; `bad` throws naming the field. */
export function checkRobustnessScores(v: unknown, bad: (what: string) => never): RobustnessScores {
  if (!isObject(v)) return bad('robustness must be an object');
  if (!isName(v.suite)) bad('robustness.suite must be a non-empty string');
  if (typeof v.source !== 'string' || v.source === '') bad('robustness.source must be a non-empty string');
  if (!isCount(v.images) || v.images === 0) bad('robustness.images must be a positive count');
  if (!isRate(v.clean)) bad('robustness.clean must be a number in 0..1');
  if (!isRate(v.mean)) bad('robustness.mean must be a number in 0..1');
  const c = v.corruptions;
  if (!isObject(c) || Object.keys(c).length === 0 || !Object.entries(c).every(([k, a]) => isName(k) && isRate(a)))
    bad('robustness.corruptions must map corruption names to numbers in 0..1');
  return v as unknown as RobustnessScores;
}

/** The corruptions with the lowest accuracy first (ties by name), at most `count`. */
export function weakestCorruptions(
  scores: Pick<RobustnessScores, 'corruptions'>,
  count: number,
): Array<{ name: string; accuracy: number }> {
  return Object.entries(scores.corruptions)
    .map(([name, accuracy]) => ({ name, accuracy }))
    .sort((a, b) => a.accuracy - b.accuracy || a.name.localeCompare(b.name))
    .slice(0, count);
}
