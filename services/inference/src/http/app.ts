import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { dispatch } from '../routes';
import type { Services } from '../services';
import { errorHandler, latencyHeaders } from './middleware';
import type { HttpResponse } from './responses';

/** Headers a browser page on another origin may read from our answers. */
export const EXPOSED_HEADERS = 'X-Latency-Ms, Server-Timing, Retry-After';

/**
 * The API as one middy handler. Middlewares, outermost first: lower-case request headers, CORS
 * headers on every answer (errors too), latency headers, then errors → JSON. `outer` go first
 * (the function's logging, tracing and metrics publishing), so they see the final answer.
 */
export function createApi(
  services: Services,
  outer: middy.MiddlewareObj[] = [],
): middy.MiddyfiedHandler<APIGatewayProxyEventV2, HttpResponse, Error, Context> {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(outer)
    .use(httpHeaderNormalizer())
    .use(
      httpCors({
        origins: services.config.corsOrigins,
        methods: 'GET,POST,OPTIONS',
        headers: 'Content-Type',
        exposeHeaders: EXPOSED_HEADERS,
        maxAge: 600,
        // Answer a preflight here too if one reaches the function (API Gateway usually does it).
        disableBeforePreflightResponse: false,
      }),
    )
    .use(latencyHeaders(services.now))
    .use(errorHandler(services.logger, services.metrics))
    .handler((event) => dispatch(event, services));
}
