/**
 * The quality gate: one function for every path to the endpoint (a new model, a rollback). It
 * judges models on the stage's reference set, never on the dataset's own test split (whoever
 * uploads a dataset chooses that split): a candidate is deployed only if, on the same reference
 * version as the live model, its overall accuracy reaches the minimum and is not worse than the
 * live model's by more than `maxRegression`, no class drops by more than `classMaxDrop`, and every
 * class stays at or above `classFloor`. Missing or stale scores refuse, saying why.
 *
 * A model trained on corrections (its `feedback` scores) must also have started from the model
 * live now (else it is stale), lose no more than `feedback.maxReferenceDrop` of the live model's
 * reference accuracy, and beat the live model on the held-out corrections by at least
 * `feedback.minGain` and by more than chance on a slice that small (requiredGain): random or
 * malicious labels gain nothing there, or cost reference accuracy.
 */
import { GATE_METRIC, NUM_CLASSES, type FeedbackScores, type GateDecision, type ReferenceScores } from '@digits/common';
import type { GateSettings } from './config';

// Accuracies are fractions printed with 4-6 decimals; ignore float noise in the comparisons.
const EPSILON = 1e-9;

const fmt = (x: number): string => String(Number(x.toFixed(6)));
const points = (x: number): string => String(Number((x * 100).toFixed(2)));

export interface GateCandidate {
  /** Scores on the reference set (from the model's metadata.json). */
  reference?: ReferenceScores;
  /** Accuracy on the dataset's own test split: reported in the reason, not judged. */
  testAccuracy?: number;
  /** A model trained on corrections (new deployments only: a rollback target is judged on reference scores). */
  feedback?: FeedbackScores;
}

export interface GateLive {
  trainingJobName: string;
  reference?: ReferenceScores;
}

export function decideGate(candidate: GateCandidate, live: GateLive | undefined, gate: GateSettings): GateDecision {
  const ref = candidate.reference;
  const split =
    candidate.testAccuracy !== undefined && Number.isFinite(candidate.testAccuracy)
      ? `; uploaded test split: ${GATE_METRIC} ${fmt(candidate.testAccuracy)} (not judged)`
      : '';
  if (!ref) {
    return {
      deploy: false,
      reason: `the candidate has no reference scores (its job had no reference channel, or its metadata.json could not be read): nothing to judge it on${split}`,
    };
  }
  const on = `reference ${ref.version}`;
  const refusals: string[] = [];
  const failed = new Set<number>();

  for (let d = 0; d < NUM_CLASSES; d++) {
    const a = ref.perClassAccuracy[d]!;
    if (a + EPSILON < gate.classFloor) {
      refusals.push(`class ${d} reference accuracy ${fmt(a)} is below the floor ${fmt(gate.classFloor)}`);
      failed.add(d);
    }
  }
  if (ref.accuracy + EPSILON < gate.minAccuracy)
    refusals.push(`reference accuracy ${fmt(ref.accuracy)} is below the minimum ${fmt(gate.minAccuracy)}`);

  if (live) {
    const theirs = live.reference;
    if (!theirs) {
      refusals.push(
        `the live model ${live.trainingJobName} has no reference scores to compare with: retrain it (or roll back to a model that has them)`,
      );
    } else if (theirs.version !== ref.version) {
      refusals.push(
        `the live model ${live.trainingJobName} was scored on reference ${theirs.version}, the candidate on ${ref.version}: not comparable; score the live model on ${ref.version} again (retrain its dataset) first`,
      );
    } else {
      if (theirs.accuracy - ref.accuracy > gate.maxRegression + EPSILON)
        refusals.push(
          `reference accuracy ${fmt(ref.accuracy)} is worse than the live model's ${fmt(theirs.accuracy)} (${live.trainingJobName}) by more than ${fmt(gate.maxRegression)}`,
        );
      for (let d = 0; d < NUM_CLASSES; d++) {
        const before = theirs.perClassAccuracy[d]!;
        const after = ref.perClassAccuracy[d]!;
        if (before - after > gate.classMaxDrop + EPSILON) {
          refusals.push(
            `class ${d} dropped from ${fmt(before)} to ${fmt(after)} (-${points(before - after)} points, more than ${points(gate.classMaxDrop)})`,
          );
          failed.add(d);
        }
      }
    }
  }
  const learnt = candidate.feedback && judgeFeedback(candidate.feedback, ref, live, gate, refusals);
  const failedClasses = [...failed].sort((a, b) => a - b);
  const extra = { referenceVersion: ref.version, ...(failedClasses.length ? { failedClasses } : {}) };
  if (refusals.length > 0) return { deploy: false, reason: `${on}: ${refusals.join('; ')}${split}`, ...extra };

  const versusLive = live
    ? `not worse than the live model's ${fmt(live.reference!.accuracy)} (${live.trainingJobName}) by more than ${fmt(gate.maxRegression)}; no class dropped more than ${points(gate.classMaxDrop)} point(s)`
    : 'no model is live yet';
  return {
    deploy: true,
    reason: `${on}: accuracy ${fmt(ref.accuracy)} reaches the minimum ${fmt(gate.minAccuracy)}; every class at or above the floor ${fmt(gate.classFloor)}; ${versusLive}${learnt ? `; ${learnt}` : ''}${split}`,
    ...extra,
  };
}

/** The corrections rules (refusals pushed onto `refusals`); returns what passed, for the reason. */
function judgeFeedback(
  f: FeedbackScores,
  ref: ReferenceScores,
  live: GateLive | undefined,
  gate: GateSettings,
  refusals: string[],
): string {
  const { maxReferenceDrop, minGain } = gate.feedback;
  if (!live) {
    refusals.push('trained on corrections, but no model is live to compare it with');
    return '';
  }
  if (f.initModel !== live.trainingJobName) {
    refusals.push(
      `stale: trained on corrections from ${f.initModel ?? 'no init model'}, but ${live.trainingJobName} is live now; the next corrections dataset fine-tunes it`,
    );
    return '';
  }
  const theirs = live.reference;
  if (theirs && theirs.version === ref.version && theirs.accuracy - ref.accuracy > maxReferenceDrop + EPSILON)
    refusals.push(
      `trained on corrections, reference accuracy ${fmt(ref.accuracy)} dropped from the live model's ${fmt(theirs.accuracy)} by more than ${points(maxReferenceDrop)} point(s)`,
    );
  if (f.heldOut === 0 || f.initHeldOutAccuracy === null) {
    refusals.push(
      f.heldOut === 0
        ? 'no held-out corrections to judge the gain on'
        : `the live model ${live.trainingJobName} was not scored on the held-out corrections`,
    );
    return '';
  }
  const gain = f.heldOutAccuracy - f.initHeldOutAccuracy;
  const required = requiredGain(f, f.initHeldOutAccuracy, minGain);
  const onHeldOut = `held-out corrections (${f.heldOut}): ${fmt(f.heldOutAccuracy)} against the live model's ${fmt(f.initHeldOutAccuracy)}`;
  if (gain + EPSILON < required) {
    refusals.push(
      `${onHeldOut}, a gain of ${points(gain)} point(s), less than the ${points(required)} required (at least ${points(minGain)}, and ${GAIN_STANDARD_ERRORS} standard errors on ${f.heldOut} images${f.fixed === undefined ? '' : `: ${f.fixed} fixed, ${f.broken} broken`})`,
    );
    return '';
  }
  return `${onHeldOut} (+${points(gain)} points, at least ${points(required)} required); reference accuracy within ${points(maxReferenceDrop)} point(s) of the live model's`;
}

/**
 * A gain on a small held-out slice can be luck: it must also exceed this many standard errors of
 * the difference (≈ 98% one-sided), so random labels, on which neither model can do better than
 * chance, do not pass by a few lucky images.
 */
export const GAIN_STANDARD_ERRORS = 2;

/**
 * The gain required of a candidate. Both models are scored on the same images, so when the
 * trainer counted which images changed (fixed, broken) the standard error is the paired one
 * (McNemar's): only the images the two models disagree on carry noise. Without the counts (older
 * records) the two accuracies are treated as independent, which over-states it.
 */
export function requiredGain(
  f: Pick<FeedbackScores, 'heldOutAccuracy' | 'heldOut' | 'fixed' | 'broken'>,
  initAccuracy: number,
  minGain: number,
): number {
  const n = f.heldOut;
  let variance: number;
  if (f.fixed !== undefined && f.broken !== undefined) {
    const mean = (f.fixed - f.broken) / n;
    variance = (f.fixed + f.broken) / n - mean * mean;
  } else {
    variance = f.heldOutAccuracy * (1 - f.heldOutAccuracy) + initAccuracy * (1 - initAccuracy);
  }
  return Math.max(minGain, GAIN_STANDARD_ERRORS * Math.sqrt(Math.max(0, variance) / n));
}
