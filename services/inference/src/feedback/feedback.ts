import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { newCorrection } from '@digits/common';
import { HttpError } from '../http/errors';
import { json, type HttpResponse } from '../http/responses';
import { normaliseInputs } from '../predict/normalise-inputs';
import type { Services } from '../services';
import { parseFeedbackRequest } from './request';

export const FEEDBACK_METRICS = { corrections: 'Corrections' } as const;

/** What POST /feedback answers: the correction's id (the same for the same image and label) and how many wait. */
export interface FeedbackAnswer {
  id: string;
  /** Corrections waiting for the next training; null if they could not be counted just now. */
  pending: number | null;
}

/**
 * POST /feedback: a user's "it is a 7" for an image. The image goes through /predict's reader and
 * normaliser; what is stored is the normalised 28×28 (quantised), the label, what the model said
 * and when (newCorrection) — never the upload or who sent it. Answers 202: a later training
 * learns from it.
 */
export async function postFeedback(event: APIGatewayProxyEventV2, services: Services): Promise<HttpResponse> {
  const feedback = services.feedback;
  if (!feedback) {
    throw new HttpError(503, 'FEEDBACK_OFF', 'this stage does not collect corrections (no INBOX_BUCKET is set)');
  }
  const request = await parseFeedbackRequest(event);
  const [input] = normaliseInputs([request.input], false);
  const record = newCorrection(input!.pixels, request.label, { predicted: request.predicted, model: request.model });
  const stored = await feedback.store.save(record);
  services.metrics.count(FEEDBACK_METRICS.corrections, 1, { outcome: stored ? 'stored' : 'duplicate' });
  feedback.pending.invalidate();
  const pending = await feedback.pending.get().catch((e: unknown) => {
    services.logger.warn('could not count the pending corrections', { error: e });
    return null;
  });
  const body: FeedbackAnswer = { id: record.id, pending };
  return json(202, body);
}
