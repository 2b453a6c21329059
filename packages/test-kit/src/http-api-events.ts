/** API Gateway HTTP API (payload format 2.0) events, shaped as API Gateway delivers them. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface EventInit {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** Bytes go base64-encoded with isBase64Encoded (as API Gateway sends binary bodies); strings as text. */
  body?: Uint8Array | string;
}

export function httpEvent({
  method = 'GET',
  path = '/',
  headers = {},
  query,
  body,
}: EventInit = {}): APIGatewayProxyEventV2 {
  const binary = body instanceof Uint8Array;
  const rawQueryString = query ? new URLSearchParams(query).toString() : '';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers: { host: 'api.example.com', 'user-agent': 'curl/8.5.0', ...headers },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    isBase64Encoded: binary,
    ...(body === undefined ? {} : { body: binary ? Buffer.from(body).toString('base64') : body }),
  };
}

export function postImage(
  bytes: Uint8Array,
  contentType: string,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 {
  return httpEvent({
    method: 'POST',
    path: '/predict',
    headers: { 'content-type': contentType },
    body: bytes,
    ...(query ? { query } : {}),
  });
}

export function postJson(doc: unknown, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return httpEvent({
    method: 'POST',
    path: '/predict',
    headers: { 'content-type': 'application/json' },
    body: typeof doc === 'string' ? doc : JSON.stringify(doc),
    ...(query ? { query } : {}),
  });
}

/** A multipart/form-data body encoded by fetch's own FormData (as a browser or curl -F sends it). */
export async function postForm(
  parts: Record<string, { bytes: Uint8Array; filename: string; type: string } | string>,
): Promise<APIGatewayProxyEventV2> {
  const form = new FormData();
  for (const [name, part] of Object.entries(parts)) {
    if (typeof part === 'string') form.append(name, part);
    else form.append(name, new Blob([Buffer.from(part.bytes)], { type: part.type }), part.filename);
  }
  const request = new Request('http://localhost/predict', { method: 'POST', body: form });
  const body = new Uint8Array(await request.arrayBuffer());
  return postImage(body, request.headers.get('content-type')!);
}

export function lambdaContext(requestId = 'req-1'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'digits-test-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:digits-test-api',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/digits-test-api',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 15_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
