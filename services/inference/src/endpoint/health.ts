import { json, type HttpResponse } from '../http/responses';
import type { Services } from '../services';

/**
 * Why the endpoint is not healthy, as a code the public may see. SageMaker's FailureReason and the
 * SDK's errors name accounts, roles, images and buckets: they go to the log, never to the answer.
 */
export type EndpointFailure = 'ENDPOINT_FAILED' | 'STATUS_UNREADABLE';

/**
 * GET /health: 200 whenever the API itself answers, with the endpoint's name and status
 * (`ready` says whether /predict can be served now). A fresh DescribeEndpoint at most every 5 s.
 */
export async function health(services: Services): Promise<HttpResponse> {
  const { logger, config } = services;
  try {
    const { name, status, serving, failureReason } = await services.endpointStatus.get();
    if (failureReason) logger.warn('model endpoint failed', { endpoint: name, status, failureReason });
    const failure: EndpointFailure | undefined = failureReason ? 'ENDPOINT_FAILED' : undefined;
    return answer(serving, { name, status, ...(failure ? { failure } : {}) });
  } catch (e) {
    logger.warn('DescribeEndpoint failed', { endpoint: config.endpointName, error: e });
    return answer(false, { name: config.endpointName, status: 'Unknown', failure: 'STATUS_UNREADABLE' });
  }
}

function answer(ready: boolean, endpoint: { name: string; status: string; failure?: EndpointFailure }): HttpResponse {
  return json(200, { status: 'ok', ready, endpoint });
}
