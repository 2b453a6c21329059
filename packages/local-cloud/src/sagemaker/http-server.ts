import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AwsError, serializationException } from './errors';
import { checkHost, checkSignature } from './request-checks';
import { MAX_PAYLOAD_BYTES } from './runtime';

/**
 * The wire protocols, on one 127.0.0.1 server:
 * - control plane, AWS JSON 1.1: `POST /` with `X-Amz-Target: SageMaker.<Operation>`; errors are
 *   HTTP 400 `{"__type": "<Code>", "message": "..."}` (the SDK reads `__type`, the CLI too);
 * - runtime, REST-JSON: `POST /endpoints/{EndpointName}/invocations`; errors carry the code in the
 *   `x-amzn-ErrorType` header and `{"Message": ...}` plus the error's members in the body.
 * Requests must name this server in Host and carry a well-formed SigV4 Authorization (any key:
 * the signature itself is not checked); see request-checks.ts.
 */

export interface ControlPlane {
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

export interface RuntimeRequest {
  endpointName: string;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface RuntimeAnswer {
  body: Buffer;
  headers: Record<string, string>;
}

export interface Handlers {
  controlPlane: ControlPlane;
  invoke(request: RuntimeRequest): Promise<RuntimeAnswer>;
  requireSignature: boolean;
}

const JSON_11 = 'application/x-amz-json-1.1';
const CONTROL_PLANE_BODY_LIMIT = 8 * 1024 * 1024;
const INVOCATIONS = /^\/endpoints\/([^/]+)\/invocations\/?$/;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (and dropping) so the client sees the error answer, not a reset connection.
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit)
    throw new AwsError('ValidationError', `Request payload of ${size} bytes exceeds the limit of ${limit} bytes.`, 413);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(payload);
}

function sendError(res: ServerResponse, requestId: string, runtime: boolean, error: AwsError): void {
  const headers = { 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.code };
  if (runtime) {
    send(
      res,
      error.status,
      { ...headers, 'Content-Type': 'application/json' },
      JSON.stringify({ ErrorCode: error.code, Message: error.message, ...error.fields }),
    );
  } else {
    send(
      res,
      error.status,
      { ...headers, 'Content-Type': JSON_11 },
      JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
    );
  }
}

export function createSageMakerServer(
  handlers: Handlers,
  log: (message: string, fields: Record<string, unknown>) => void,
): Server {
  return createServer((req, res) => {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0]!;
    const invocation = INVOCATIONS.exec(path);
    const runtime = invocation !== null;
    void (async () => {
      try {
        if (req.method !== 'POST')
          throw new AwsError(
            'UnknownOperationException',
            `${req.method ?? ''} ${path} is not an operation of this service`,
            404,
          );
        checkHost(req);
        if (handlers.requireSignature) checkSignature(req, runtime);
        if (invocation) {
          const body = await readBody(req, MAX_PAYLOAD_BYTES);
          const answer = await handlers.invoke({
            endpointName: decodeURIComponent(invocation[1]!),
            body,
            headers: req.headers,
          });
          send(res, 200, { ...answer.headers, 'x-amzn-RequestId': requestId }, answer.body);
          return;
        }
        const target = String(req.headers['x-amz-target'] ?? '');
        const match = /^SageMaker\.([A-Za-z]+)$/.exec(target);
        if (path !== '/' || !match)
          throw new AwsError(
            'UnknownOperationException',
            target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header',
          );
        const raw = await readBody(req, CONTROL_PLANE_BODY_LIMIT);
        let input: unknown = {};
        if (raw.length > 0) {
          try {
            input = JSON.parse(raw.toString('utf8'));
          } catch {
            throw serializationException('The request body is not valid JSON');
          }
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input))
          throw serializationException('The request body must be a JSON object');
        const output = await handlers.controlPlane.call(match[1]!, input as Record<string, unknown>);
        send(res, 200, { 'x-amzn-RequestId': requestId, 'Content-Type': JSON_11 }, JSON.stringify(output ?? {}));
      } catch (e) {
        if (e instanceof AwsError) {
          sendError(res, requestId, runtime, e);
        } else {
          log('internal error', { error: e, path });
          sendError(
            res,
            requestId,
            runtime,
            new AwsError(
              runtime ? 'InternalFailure' : 'InternalFailure',
              `An internal error occurred: ${(e as Error).message}`,
              500,
            ),
          );
        }
      }
    })();
  });
}
