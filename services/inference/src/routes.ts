import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { health } from './endpoint/health';
import { HttpError } from './http/errors';
import type { HttpResponse } from './http/responses';
import { assetResponse, pageResponse } from './page/page';
import { postFeedback } from './feedback/feedback';
import { predict } from './predict/predict';
import { liveModel } from './registry/model';
import { latestDrift } from './monitoring/drift';
import type { Services } from './services';

export type Route = (event: APIGatewayProxyEventV2, services: Services) => Promise<HttpResponse>;

/**
 * Every route of the API, keyed as HTTP API route keys. serverless.yml declares the same keys
 * (a test checks they agree); add a route in both places.
 */
export const ROUTES: Readonly<Record<string, Route>> = {
  'POST /predict': predict,
  'GET /health': (_event, services) => health(services),
  'GET /model': (_event, services) => liveModel(services),
  'GET /drift': (_event, services) => latestDrift(services),
  'POST /feedback': postFeedback,
  'GET /': async () => pageResponse(),
  'GET /assets/{name}': async (event) => assetResponse(event.pathParameters?.name, event.queryStringParameters?.v),
};

export function routeKey(event: APIGatewayProxyEventV2): string {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  return `${event.requestContext.http.method.toUpperCase()} ${event.rawPath}`;
}

export async function dispatch(event: APIGatewayProxyEventV2, services: Services): Promise<HttpResponse> {
  const key = routeKey(event);
  const route = ROUTES[key];
  if (route) return route(event, services);
  const [method, path] = key.split(' ');
  const allowed = Object.keys(ROUTES)
    .filter((k) => k.endsWith(` ${path}`))
    .map((k) => k.split(' ')[0]!);
  if (allowed.length > 0) {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}: use ${allowed.join(' or ')}`, {
      Allow: allowed.join(', '),
    });
  }
  throw new HttpError(404, 'NOT_FOUND', `no route ${key}: the API has ${Object.keys(ROUTES).join(', ')}`);
}
