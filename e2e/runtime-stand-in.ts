/**
 * Test-only SageMaker stand-in in front of packages/model's `serve`: the runtime client calls
 * POST /endpoints/{name}/invocations, while `serve` answers POST /invocations, so this forwards
 * one to the other, and answers DescribeEndpoint (AWS JSON 1.1) for /health. Unknown endpoints get
 * the errors SageMaker sends (ValidationError / ValidationException), a failing container a
 * ModelError (424), so the real SDK deserialises real error shapes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RuntimeStandIn {
  url: string;
  /** endpoint name → base URL of a `serve` (e.g. http://127.0.0.1:8080). */
  endpoints: Map<string, string>;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';

export async function startRuntimeStandIn(): Promise<RuntimeStandIn> {
  const endpoints = new Map<string, string>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) =>
      send(res, 500, { message: String(e) }, { 'x-amzn-errortype': 'InternalFailure' }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await read(req);
    const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(req.url ?? '');
    if (req.method === 'POST' && invocation) {
      const name = decodeURIComponent(invocation[1]!);
      const target = endpoints.get(name);
      if (!target)
        return send(
          res,
          400,
          { message: `Endpoint ${name} of account ${ACCOUNT} not found.` },
          { 'x-amzn-errortype': 'ValidationError' },
        );
      let answer: Response;
      try {
        answer = await fetch(`${target}/invocations`, {
          method: 'POST',
          body: new Uint8Array(body),
          headers: {
            'content-type': req.headers['content-type'] ?? 'application/octet-stream',
            accept: req.headers.accept ?? '*/*',
          },
        });
      } catch (e) {
        // SageMaker's answer when the container does not respond at all.
        const message = `Received server error (0) from primary with message "${(e as Error).message}".`;
        return send(res, 424, { OriginalStatusCode: 0, message }, { 'x-amzn-errortype': 'ModelError' });
      }
      const text = Buffer.from(await answer.arrayBuffer());
      if (!answer.ok) {
        const original = text.toString('utf8');
        return send(
          res,
          424,
          {
            OriginalStatusCode: answer.status,
            OriginalMessage: original,
            message: `Received client error (${answer.status}) from primary with message "${original}".`,
          },
          { 'x-amzn-errortype': 'ModelError' },
        );
      }
      res.writeHead(200, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        'x-amzn-invoked-production-variant': 'AllTraffic',
      });
      res.end(text);
      return;
    }
    if (req.method === 'POST' && req.headers['x-amz-target'] === 'SageMaker.DescribeEndpoint') {
      const { EndpointName } = JSON.parse(body.toString('utf8')) as { EndpointName: string };
      if (!endpoints.has(EndpointName)) {
        return send(
          res,
          400,
          { __type: 'ValidationException', message: `Could not find endpoint "${EndpointName}".` },
          {},
          'application/x-amz-json-1.1',
        );
      }
      const now = Date.now() / 1000;
      return send(
        res,
        200,
        {
          EndpointName,
          EndpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${EndpointName}`,
          EndpointConfigName: `${EndpointName}-config`,
          EndpointStatus: 'InService',
          CreationTime: now,
          LastModifiedTime: now,
        },
        {},
        'application/x-amz-json-1.1',
      );
    }
    send(
      res,
      404,
      { message: `stand-in has no ${req.method} ${req.url}` },
      { 'x-amzn-errortype': 'UnknownOperationException' },
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    endpoints,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  doc: unknown,
  headers: Record<string, string> = {},
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(JSON.stringify(doc));
}
