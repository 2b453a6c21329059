/**
 * The quality gate: a trained model is deployed only if its final test accuracy reaches the
 * configured minimum and is not worse than the live model's by more than the allowed margin.
 */
import { GATE_METRIC, type GateDecision, type LivePointer } from '@digits/common';
import type { GateSettings } from './config';

// Accuracies are fractions printed with 4-6 decimals; ignore float noise in the margin test.
const EPSILON = 1e-9;

const fmt = (x: number): string => String(Number(x.toFixed(6)));

export function decideGate(
  accuracy: number | undefined,
  live: Pick<LivePointer, 'trainingJobName' | 'testAccuracy'> | undefined,
  gate: GateSettings,
): GateDecision {
  if (accuracy === undefined || !Number.isFinite(accuracy)) {
    return { deploy: false, reason: `the job reported no final ${GATE_METRIC}` };
  }
  if (accuracy + EPSILON < gate.minAccuracy) {
    return { deploy: false, reason: `${GATE_METRIC} ${fmt(accuracy)} is below the minimum ${fmt(gate.minAccuracy)}` };
  }
  if (live && live.testAccuracy - accuracy > gate.maxRegression + EPSILON) {
    return {
      deploy: false,
      reason: `${GATE_METRIC} ${fmt(accuracy)} is worse than the live model's ${fmt(live.testAccuracy)} (${live.trainingJobName}) by more than ${fmt(gate.maxRegression)}`,
    };
  }
  const versusLive = live
    ? `within ${fmt(gate.maxRegression)} of the live model's ${fmt(live.testAccuracy)} (${live.trainingJobName})`
    : 'no model is live yet';
  return {
    deploy: true,
    reason: `${GATE_METRIC} ${fmt(accuracy)} reaches the minimum ${fmt(gate.minAccuracy)}; ${versusLive}`,
  };
}
