import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError, unavailable } from '../http/errors';
import { json, type HttpResponse } from '../http/responses';
import { RETRY_AFTER } from '../endpoint/runtime';
import type { EndpointState } from '../endpoint/status';
import { summarise, type ModelSummary } from '../registry/live-model';
import type { Services } from '../services';
import { normaliseInputs } from './normalise-inputs';
import { parsePredictRequest } from './request';
import { answer } from './response';

/**
 * POST /predict: parse → normalise (packages/model) → InvokeEndpoint → answer, with the time of
 * each stage in Server-Timing. Bad input is refused before the endpoint is asked anything; the
 * endpoint's (cached) status is read meanwhile, and an endpoint that is not serving gives a 503.
 */
export async function predict(event: APIGatewayProxyEventV2, services: Services): Promise<HttpResponse> {
  const { now, logger } = services;
  const status = services.endpointStatus.get().catch((e: unknown): undefined => {
    // Describe failing (throttled, no permission) must not stop predictions: try the endpoint.
    logger.warn('DescribeEndpoint failed; invoking anyway', { error: e });
    return undefined;
  });
  const t0 = now();
  const request = await parsePredictRequest(event);
  const t1 = now();
  const inputs = normaliseInputs(request.inputs, request.batch);
  const t2 = now();

  const state = await status;
  if (state && !state.serving) throw notServing(state);
  const model = services.liveModel.get().then(
    (live) => (live ? summarise(live) : null),
    (e: unknown): ModelSummary | null => {
      logger.warn('live model record unavailable', { error: e });
      return null;
    },
  );
  let predictions;
  try {
    predictions = await services.invoke(inputs.map((i) => i.pixels));
  } catch (e) {
    // The endpoint went away since its status was cached: look again next time.
    if (e instanceof HttpError && e.status === 503) services.endpointStatus.invalidate();
    throw e;
  }
  const t3 = now();
  const body = answer(predictions, inputs, { batch: request.batch, debug: request.debug, model: await model });
  return json(200, body, {
    'Server-Timing': `parse;dur=${(t1 - t0).toFixed(1)}, normalise;dur=${(t2 - t1).toFixed(1)}, invoke;dur=${(t3 - t2).toFixed(1)}`,
  });
}

export function notServing(state: EndpointState): HttpError {
  if (state.status === 'NotFound') {
    return unavailable('ENDPOINT_UNAVAILABLE', `no model endpoint "${state.name}" is deployed yet`, RETRY_AFTER.missing);
  }
  const starting = state.status === 'Creating';
  return unavailable(
    'ENDPOINT_UNAVAILABLE',
    `the model endpoint "${state.name}" is ${state.status}${starting ? ': it will serve when InService' : ''}`,
    starting ? RETRY_AFTER.starting : RETRY_AFTER.missing,
  );
}
