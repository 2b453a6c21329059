/**
 * The quality gate: one function for every path to the endpoint (a new model, a rollback). It
 * judges models on the stage's reference set, never on the dataset's own test split (whoever
 * uploads a dataset chooses that split): a candidate is deployed only if, on the same reference
 * version as the live model, its overall accuracy reaches the minimum and is not worse than the
 * live model's by more than `maxRegression`, no class drops by more than `classMaxDrop`, and every
 * class stays at or above `classFloor`. Missing or stale scores refuse, saying why.
 */
import { GATE_METRIC, NUM_CLASSES, type GateDecision, type ReferenceScores } from '@digits/common';
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
  const failedClasses = [...failed].sort((a, b) => a - b);
  const extra = { referenceVersion: ref.version, ...(failedClasses.length ? { failedClasses } : {}) };
  if (refusals.length > 0) return { deploy: false, reason: `${on}: ${refusals.join('; ')}${split}`, ...extra };

  const versusLive = live
    ? `not worse than the live model's ${fmt(live.reference!.accuracy)} (${live.trainingJobName}) by more than ${fmt(gate.maxRegression)}; no class dropped more than ${points(gate.classMaxDrop)} point(s)`
    : 'no model is live yet';
  return {
    deploy: true,
    reason: `${on}: accuracy ${fmt(ref.accuracy)} reaches the minimum ${fmt(gate.minAccuracy)}; every class at or above the floor ${fmt(gate.classFloor)}; ${versusLive}${split}`,
    ...extra,
  };
}
