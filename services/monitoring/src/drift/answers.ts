/** What a model answered on a set of digits: how often each class, and a histogram of its confidence. */
import { NUM_CLASSES } from '@digits/common';

export const CONFIDENCE_BINS = 20;

export interface ModelAnswers {
  count: number;
  /** predicted[d] = answers d. */
  predicted: number[];
  /** Equal-width bins over [0, 1] of the winning probability. */
  confidence: number[];
}

export class AnswersAccumulator {
  private readonly answers: ModelAnswers = {
    count: 0,
    predicted: new Array<number>(NUM_CLASSES).fill(0),
    confidence: new Array<number>(CONFIDENCE_BINS).fill(0),
  };

  add(digit: number, confidence: number): void {
    this.answers.count++;
    this.answers.predicted[digit]!++;
    this.answers.confidence[Math.min(CONFIDENCE_BINS - 1, Math.max(0, Math.floor(confidence * CONFIDENCE_BINS)))]!++;
  }

  result(): ModelAnswers {
    return { ...this.answers, predicted: [...this.answers.predicted], confidence: [...this.answers.confidence] };
  }
}
