import type { DigitPrediction } from '@digits/common';
import { encodePng } from '@digits/normalise';
import type { ModelSummary } from '../registry/live-model';
import type { NormalisedInput } from './normalise-inputs';

export interface PredictionBody {
  digit: number;
  confidence: number;
  probabilities: number[];
  /** Only with ?debug=1: the 28×28 the model saw. */
  input?: { png: string; source?: NormalisedInput['source'] };
}

export type SingleAnswer = PredictionBody & { model: ModelSummary | null };
export interface BatchAnswer {
  predictions: PredictionBody[];
  model: ModelSummary | null;
}

export function predictionBody(prediction: DigitPrediction, input: NormalisedInput, debug: boolean): PredictionBody {
  const body: PredictionBody = {
    digit: prediction.digit,
    confidence: prediction.probability,
    probabilities: prediction.probabilities,
  };
  if (debug) {
    body.input = {
      png: `data:image/png;base64,${Buffer.from(encodePng(input.pixels)).toString('base64')}`,
      ...(input.source ? { source: input.source } : {}),
    };
  }
  return body;
}

export function answer(
  predictions: DigitPrediction[],
  inputs: NormalisedInput[],
  options: { batch: boolean; debug: boolean; model: ModelSummary | null },
): SingleAnswer | BatchAnswer {
  const bodies = predictions.map((p, i) => predictionBody(p, inputs[i]!, options.debug));
  if (options.batch) return { predictions: bodies, model: options.model };
  return { ...bodies[0]!, model: options.model };
}
