import { unavailable } from '../http/errors';
import { json, type HttpResponse } from '../http/responses';
import type { Services } from '../services';
import { summarise } from './live-model';

/** GET /model: the live model's registry record (registry/live.json joined with its model record). */
export async function liveModel(services: Services): Promise<HttpResponse> {
  const live = await services.liveModel.get();
  if (!live) {
    throw unavailable('NO_LIVE_MODEL', 'no model has been deployed yet: train one (see the training service)', 60);
  }
  const { pointer, record } = live;
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
    history: pointer.history,
  });
}
