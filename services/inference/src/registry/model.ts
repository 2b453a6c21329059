import type { Logger } from '@digits/common';
import { unavailable } from '../http/errors';
import { json, type HttpResponse } from '../http/responses';
import type { FeedbackServices, Services } from '../services';
import type { ModelHistoryEntry } from './history';
import { summarise, type LiveModel } from './live-model';

/** What the page's panel says about corrections: how many wait, when they are learned from, how many the live model learned from. */
export interface FeedbackStatus {
  /** Corrections not yet learned from; null if they could not be counted just now. */
  pending: number | null;
  /** A retraining starts once this many wait (FEEDBACK_MIN_CORRECTIONS)… */
  minCorrections: number;
  /** …or on this schedule if any wait (an EventBridge expression, e.g. rate(1 day)). */
  schedule: string;
  /** Corrections the live model was trained and evaluated on (0 if none). */
  learnedFrom: number;
}

/**
 * GET /model: the live model's registry record (registry/live.json joined with its model record),
 * the corrections' status and the newest model records (trained models, deployed or not, with the
 * gate's decision). The last two are cached reads; if one fails the rest is still answered.
 */
export async function liveModel(services: Services): Promise<HttpResponse> {
  const live = await services.liveModel.get();
  if (!live) {
    throw unavailable('NO_LIVE_MODEL', 'no model has been deployed yet: train one (see the training service)', 60);
  }
  const { pointer, record } = live;
  const [feedback, history] = await Promise.all([
    services.feedback ? feedbackStatus(services.feedback, live, services.logger) : null,
    services.modelHistory.get().catch((e: unknown): ModelHistoryEntry[] => {
      services.logger.warn('model history unavailable', { error: e });
      return [];
    }),
  ]);
  return json(200, {
    ...summarise(live),
    trainingJobName: pointer.trainingJobName,
    endpointName: pointer.endpointName,
    modelName: pointer.modelName,
    endpointConfigName: pointer.endpointConfigName,
    metrics: record?.metrics ?? {},
    gate: record?.gate ?? null,
    // Per-class accuracy and confusion matrix on the test set (null for records that predate them).
    evaluation: record?.evaluation ?? null,
    // Overall and per-class accuracy on the stage's reference set, naming its version (what the gate judged).
    reference: record?.reference ?? null,
    // Accuracy under the corruption suite (rotation, noise, low resolution, …): mean and per corruption.
    robustness: record?.robustness ?? null,
    // What it was trained with (epochs, an ensemble's members, augmentation), as its trainer recorded it.
    hyperparameters: record?.hyperparameters ?? null,
    // How many corrections it learned from, how many wait, and when the next training on them starts.
    feedback,
    // The newest trained models (registry/models/), newest first, each with the gate's decision.
    history,
    // The models the endpoint served before this one (live.json's own list).
    deployments: pointer.history,
  });
}

async function feedbackStatus(feedback: FeedbackServices, live: LiveModel, logger: Logger): Promise<FeedbackStatus> {
  const pending = await feedback.pending.get().catch((e: unknown) => {
    logger.warn('could not count the pending corrections', { error: e });
    return null;
  });
  const learned = live.record?.feedback;
  return {
    pending,
    minCorrections: feedback.settings.minCorrections,
    schedule: feedback.settings.schedule,
    learnedFrom: learned ? learned.corrections + learned.heldOut : 0,
  };
}
