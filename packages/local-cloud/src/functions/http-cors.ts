import type { IncomingHttpHeaders } from 'node:http';
import type { HttpApiCors } from './types';

/**
 * CORS as API Gateway applies an HTTP API's CorsConfiguration: it answers preflights itself
 * (without invoking a function) and, on CORS requests, sets the Access-Control-* response headers,
 * ignoring any the function returned.
 */

export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

function originAllowed(cors: HttpApiCors, origin: string): boolean {
  return cors.allowedOrigins.some((allowed) => {
    if (allowed === '*' || allowed === origin) return true;
    if (!allowed.includes('*')) return false;
    const [head, tail] = allowed.split('*', 2) as [string, string];
    return origin.startsWith(head) && origin.endsWith(tail) && origin.length >= head.length + tail.length;
  });
}

function allowOrigin(cors: HttpApiCors, origin: string): string {
  return cors.allowedOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

export function preflightHeaders(cors: HttpApiCors, headers: IncomingHttpHeaders): Record<string, string> {
  const origin = headers.origin!;
  if (!originAllowed(cors, origin)) return {};
  const requestMethod = String(headers['access-control-request-method']).toUpperCase();
  if (!cors.allowedMethods.includes('*') && !cors.allowedMethods.includes(requestMethod)) return {};
  const out: Record<string, string> = {
    'access-control-allow-origin': allowOrigin(cors, origin),
    'access-control-allow-methods': cors.allowedMethods.join(','),
  };
  const requested = headers['access-control-request-headers'];
  if (cors.allowedHeaders.includes('*')) {
    if (requested) out['access-control-allow-headers'] = String(requested);
  } else {
    out['access-control-allow-headers'] = cors.allowedHeaders.join(',').toLowerCase();
  }
  if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  if (cors.maxAge !== undefined) out['access-control-max-age'] = String(cors.maxAge);
  return out;
}

/** Replace the function's Access-Control-* headers with the API's, for a request with an Origin. */
export function applyCors(
  cors: HttpApiCors,
  origin: string | undefined,
  headers: Record<string, string | string[]>,
): void {
  for (const name of Object.keys(headers)) if (name.startsWith('access-control-')) delete headers[name];
  if (origin === undefined || !originAllowed(cors, origin)) return;
  headers['access-control-allow-origin'] = allowOrigin(cors, origin);
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposedResponseHeaders.length)
    headers['access-control-expose-headers'] = cors.exposedResponseHeaders.join(',');
}
