import { json, type HttpResponse } from '../http/responses';
import type { Services } from '../services';
import type { EndpointState } from './status';

/**
 * GET /health: 200 whenever the API itself answers, with the endpoint's name and status
 * (`ready` says whether /predict can be served now). A fresh DescribeEndpoint at most every 5 s.
 */
export async function health(services: Services): Promise<HttpResponse> {
  let endpoint: EndpointState & { error?: string };
  try {
    endpoint = await services.endpointStatus.get();
  } catch (e) {
    services.logger.warn('DescribeEndpoint failed', { error: e });
    endpoint = {
      name: services.config.endpointName,
      status: 'Unknown',
      serving: false,
      error: 'the endpoint status could not be read',
    };
  }
  const { name, status, serving, failureReason, error } = endpoint;
  return json(200, {
    status: 'ok',
    ready: serving,
    endpoint: { name, status, ...(failureReason ? { failureReason } : {}), ...(error ? { error } : {}) },
  });
}
