import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRAIN_LIMIT_BYTES, drainRequest } from '@digits/common';
import { apiRequestId, httpApiEvent, httpResponseFrom, type HttpResponse } from './http-api-event';
import { applyCors, isPreflight, preflightHeaders } from './http-cors';
import { RouteTable, type Route } from './http-routes';
import { LambdaError } from './lambda-function';
import type { HttpApiCors } from './types';

/**
 * The HTTP API stand-in: a keep-alive node:http server on 127.0.0.1 that routes like API Gateway
 * and invokes the function's warm worker directly (no per-request spawn or bundling).
 */

/** API Gateway's limits: 10 MB request payload, 30 s integration timeout. */
export const HTTP_API_BODY_LIMIT = 10 * 1024 * 1024;
export const HTTP_API_INTEGRATION_TIMEOUT_MS = 30_000;

export interface HttpApiTarget {
  functionName: string;
  apiId: string;
  cors?: HttpApiCors;
  invoke(event: unknown): Promise<unknown>;
}

export interface HttpApiOptions {
  routes: Route<HttpApiTarget>[];
  port?: number;
  log: (line: string) => void;
  /** Log one line per request (off by default: it costs at hundreds of requests a second). */
  accessLog?: boolean;
  bodyLimit?: number;
  /** How much of a body over bodyLimit is read and dropped after the 413 (see drainRequest). */
  drainLimit?: number;
  integrationTimeoutMs?: number;
}

export interface HttpApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

const json = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

class BodyTooLarge extends Error {}

/** The body, or BodyTooLarge as soon as it is known to be over `limit` (the rest is drained: see drainRequest). */
function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      drainRequest(req, drainLimit);
      reject(new BodyTooLarge());
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        chunks.length = 0;
        refuse();
      }
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const {
    log,
    accessLog = false,
    bodyLimit = HTTP_API_BODY_LIMIT,
    drainLimit = DRAIN_LIMIT_BYTES,
    integrationTimeoutMs = HTTP_API_INTEGRATION_TIMEOUT_MS,
  } = options;
  const table = new RouteTable(options.routes);
  const anyCors = options.routes.find((r) => r.target.cors)?.target.cors;

  const send = (res: ServerResponse, requestId: string, response: HttpResponse) => {
    const headers: Record<string, string | string[]> = {
      ...response.headers,
      'apigw-requestid': requestId,
      'content-length': String(response.body.length),
    };
    res.writeHead(response.statusCode, headers);
    res.end(response.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = apiRequestId();
    const now = new Date();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const rawPath = url.split('?', 1)[0]!;

    if (anyCors && isPreflight(method, req.headers)) {
      const requested = String(req.headers['access-control-request-method']).toUpperCase();
      const cors = table.match(requested, rawPath)?.route.target.cors ?? anyCors;
      req.resume();
      send(res, requestId, { statusCode: 204, headers: preflightHeaders(cors, req.headers), body: Buffer.alloc(0) });
      return;
    }

    const match = table.match(method, rawPath);
    if (!match) {
      req.resume();
      send(res, requestId, json(404, 'Not Found'));
      return;
    }
    const { target } = match.route;
    let body: Buffer;
    try {
      body = await readBody(req, bodyLimit, drainLimit);
    } catch (error) {
      // No `Connection: close`: the rest of the body is being drained (see drainRequest).
      if (error instanceof BodyTooLarge) send(res, requestId, json(413, 'Request Entity Too Large'));
      else res.destroy();
      return;
    }

    const event = httpApiEvent({
      req,
      body,
      routeKey: match.route.routeKey,
      pathParameters: match.pathParameters,
      apiId: target.apiId,
      requestId,
      now,
    });
    let response: HttpResponse;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new LambdaError(
                'IntegrationTimeout',
                `no response within ${integrationTimeoutMs} ms`,
                target.functionName,
              ),
            ),
          integrationTimeoutMs,
        );
      });
      const result = await Promise.race([target.invoke(event), timeout]);
      response = httpResponseFrom(result);
    } catch (error) {
      const e = error as Error;
      log(`[http-api] ERROR ${method} ${rawPath} → ${target.functionName}: ${e.name}: ${e.message}`);
      response =
        e.name === 'IntegrationTimeout'
          ? json(503, 'Service Unavailable')
          : e.name === 'RequestEntityTooLargeException'
            ? json(413, 'Request Entity Too Large')
            : json(500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
    if (target.cors) applyCors(target.cors, req.headers.origin, response.headers);
    send(res, requestId, response);
    if (accessLog)
      log(`[http-api] ${method} ${url} ${response.statusCode} ${Date.now() - now.getTime()}ms ${target.functionName}`);
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch((error: Error) => {
      log(`[http-api] ERROR ${req.method} ${req.url}: ${error.stack ?? error.message}`);
      if (!res.headersSent) send(res, 'error', json(500, 'Internal Server Error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
