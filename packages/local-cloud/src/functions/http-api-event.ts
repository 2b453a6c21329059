import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from './intrinsics';
import { randomText } from './random-ids';

/**
 * API Gateway HTTP API payload format 2.0: the event a function receives, and how its result
 * becomes the HTTP response.
 */

/** Content types API Gateway passes as text; any other body (or an encoded one) arrives base64. */
export function isTextContent(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') return false;
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/javascript' ||
    type === 'application/ecmascript' ||
    type === 'application/xml' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export function requestTime(date: Date): string {
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`. */
export function apiRequestId(): string {
  return randomText(10, 'base64');
}

export interface EventInput {
  req: IncomingMessage;
  body: Buffer;
  routeKey: string;
  pathParameters?: Record<string, string>;
  apiId: string;
  requestId: string;
  now: Date;
}

export function httpApiEvent({
  req,
  body,
  routeKey,
  pathParameters,
  apiId,
  requestId,
  now,
}: EventInput): APIGatewayProxyEventV2 {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

  // Duplicate headers are joined with commas; cookies move to `cookies`.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'cookie') {
      (cookies ??= []).push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const host = headers.host ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomText(12, 'hex')}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      queryStringParameters ??= {};
      queryStringParameters[k] = queryStringParameters[k] === undefined ? v : `${queryStringParameters[k]},${v}`;
    }
  }

  const method = req.method ?? 'GET';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId,
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(pathParameters ? { pathParameters } : {}),
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    if (isTextContent(headers['content-type'], headers['content-encoding'])) event.body = body.toString('utf8');
    else {
      event.body = body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Map a function's result as API Gateway does for payload 2.0: an object with `statusCode` is a
 * structured response; anything else is JSON with status 200.
 */
export function httpResponseFrom(result: unknown): HttpResponse {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result) ?? 'null'),
    };
  }
  const r = result as {
    statusCode: unknown;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const statusCode = Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    throw new MalformedResponseError(`statusCode ${JSON.stringify(r.statusCode)} is not an HTTP status`);
  const headers: Record<string, string | string[]> = {};
  if (r.headers !== undefined) {
    if (r.headers === null || typeof r.headers !== 'object')
      throw new MalformedResponseError('headers must be an object');
    for (const [k, v] of Object.entries(r.headers)) {
      if (!['string', 'number', 'boolean'].includes(typeof v))
        throw new MalformedResponseError(`header ${k} must be a string, number or boolean`);
      headers[k.toLowerCase()] = String(v);
    }
  }
  if (r.cookies !== undefined) {
    if (!Array.isArray(r.cookies)) throw new MalformedResponseError('cookies must be a list of strings');
    headers['set-cookie'] = r.cookies.map(String);
  }
  let body = Buffer.alloc(0);
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body !== 'string') throw new MalformedResponseError('body must be a string (JSON.stringify objects)');
    body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  }
  return { statusCode, headers, body };
}
