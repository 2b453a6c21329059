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
import { captureIfSampled, PREDICT_METRICS, recordPrediction, type Observed } from './observe';

/**
 * POST /predict: parse → normalise (packages/model) → InvokeEndpoint → answer, with the time of
 * each stage in Server-Timing. Bad input is refused before the endpoint is asked anything.
 * The endpoint is invoked directly (no control-plane call on the way); only when it cannot be
 * reached is DescribeEndpoint asked why (Creating, Failed, missing), for a 503 that says so.
 */
export async function predict(event: APIGatewayProxyEventV2, services: Services): Promise<HttpResponse> {
  const { now, logger } = services;
  const t0 = now();
  const request = await parsePredictRequest(event);
  const t1 = now();
  const inputs = normaliseInputs(request.inputs, request.batch);
  const t2 = now();

  // The live model's record is read (or taken from the cache) while the endpoint answers.
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
    if (e instanceof HttpError && e.code === 'ENDPOINT_UNAVAILABLE') throw await explainUnavailable(e, services);
    throw e;
  }
  const t3 = now();
  const summary = await model;
  const observed: Observed = { predictions, inputs, model: summary?.version ?? null, endpointMs: t3 - t2 };
  recordPrediction(services.metrics, observed);
  const captured = captureIfSampled(services.capture, observed, services.metrics, logger);
  const body = answer(predictions, inputs, { batch: request.batch, debug: request.debug, model: summary });
  await captured;
  services.metrics.milliseconds(PREDICT_METRICS.predictLatency, now() - t0);
  return json(200, body, {
    'Server-Timing': `parse;dur=${ms(t1 - t0)}, normalise;dur=${ms(t2 - t1)}, invoke;dur=${ms(t3 - t2)}`,
  });
}

const ms = (v: number): string => v.toFixed(1);

/** The endpoint could not answer: say why, from a fresh DescribeEndpoint when it can be read. */
async function explainUnavailable(error: HttpError, services: Services): Promise<HttpError> {
  services.endpointStatus.invalidate();
  try {
    const state = await services.endpointStatus.get();
    return state.serving ? error : notServing(state);
  } catch (e) {
    services.logger.warn('DescribeEndpoint failed', { error: e });
    return error;
  }
}

export function notServing(state: EndpointState): HttpError {
  if (state.status === 'NotFound') {
    return unavailable(
      'ENDPOINT_UNAVAILABLE',
      `no model endpoint "${state.name}" is deployed yet`,
      RETRY_AFTER.missing,
    );
  }
  const starting = state.status === 'Creating';
  return unavailable(
    'ENDPOINT_UNAVAILABLE',
    `the model endpoint "${state.name}" is ${state.status}${starting ? ': it will serve when InService' : ''}`,
    starting ? RETRY_AFTER.starting : RETRY_AFTER.missing,
  );
}
