/**
 * The `serve` half of the SageMaker container contract (node:http, no framework: three routes).
 *   GET  /ping                  200 once the model is loaded, 503 before (or if loading failed)
 *   POST /invocations           digits for a JSON/CSV/image body (see invocation.ts)
 *   GET  /execution-parameters  batch-transform hints
 * Every error answers JSON {"error": {"code", "message"}}; no request can stop the server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  createLogger,
  DEFAULT_ML_ROOT,
  drainRequest,
  DEFAULT_SERVE_PORT,
  MAX_BATCH,
  type InvocationResponse,
  type Logger,
  type ModelMetadata,
} from '@digits/common';
import { initBackend } from '../backend';
import { loadModel } from '../model-files';
import { MAX_BODY_BYTES } from '@digits/normalise';
import { readBody } from './body';
import { errorResponse, ServeError } from './errors';
import { parseContentType, parseInvocation } from './invocation';
import { Predictor } from './predictor';

export interface ServeOptions {
  /** Default DEFAULT_SERVE_PORT (8080); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1; the container sets 0.0.0.0 (SageMaker connects from outside). */
  host?: string;
  /** The /opt/ml root; the model is read from <mlRoot>/model. */
  mlRoot?: string;
  /** Overrides <mlRoot>/model. */
  modelDir?: string;
  maxBodyBytes?: number;
  logger?: Logger;
  /** Seams for tests: how the backend starts and the model loads. */
  initBackend?: () => Promise<string>;
  loadModel?: (dir: string) => Promise<{ model: tf.LayersModel; metadata: ModelMetadata }>;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Resolves once the model is loaded (and /ping answers 200); rejects if loading failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger('serve');
  const modelDir = options.modelDir ?? join(options.mlRoot ?? DEFAULT_ML_ROOT, 'model');
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let predictor: Predictor | undefined;
  let loadError: Error | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Last resort: handle() answers its own errors; this only guards a failure while answering.
      log.error('request failed while answering', { error: e });
      if (!res.headersSent) send(res, 500, errorResponse(e).body);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/ping') {
        allow(req, 'GET', 'HEAD');
        if (!predictor) throw notReady();
        send(res, 200, { status: 'ok' });
      } else if (path === '/invocations') {
        allow(req, 'POST');
        const contentType = parseContentType(req.headers['content-type']);
        const body = await readBody(req, maxBodyBytes);
        if (!predictor) throw notReady();
        const images = parseInvocation(contentType, body);
        const answer: InvocationResponse = { predictions: predictor.predict(images) };
        send(res, 200, answer);
      } else if (path === '/execution-parameters') {
        allow(req, 'GET');
        send(res, 200, {
          MaxConcurrentTransforms: 1,
          BatchStrategy: 'MULTI_RECORD',
          MaxPayloadInMB: Math.floor(maxBodyBytes / 2 ** 20),
        });
      } else {
        throw new ServeError(404, 'NOT_FOUND', `no route ${req.method} ${path}: use GET /ping or POST /invocations`);
      }
    } catch (e) {
      const { status, body } = errorResponse(e);
      if (status >= 500 && status !== 503) log.error('invocation failed', { error: e, path });
      else log.debug('request refused', { status, code: body.error.code, message: body.error.message });
      // A body we stopped reading (too large, wrong type) is read and dropped, so the client still
      // writing it gets this answer (closing on it would reset the connection under the client).
      drainRequest(req);
      send(res, status, body);
    }
  }

  function notReady(): ServeError {
    return loadError
      ? new ServeError(503, 'NOT_READY', `the model failed to load: ${loadError.message}`)
      : new ServeError(503, 'NOT_READY', 'the model is still loading');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_SERVE_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info('listening', { url, modelDir });

  const ready = (async () => {
    const started = performance.now();
    try {
      const backend = await (options.initBackend ?? initBackend)();
      const { model, metadata } = await (options.loadModel ?? loadModel)(modelDir);
      const loaded = new Predictor(model);
      loaded.predict([new Float32Array(784)]); // warm up: the first call compiles kernels
      predictor = loaded;
      log.info('model loaded', {
        modelDir,
        backend,
        testAccuracy: metadata.testAccuracy,
        trainedAt: metadata.trainedAt,
        ms: Math.round(performance.now() - started),
        maxBatch: MAX_BATCH,
      });
    } catch (e) {
      loadError = e as Error;
      log.error('model failed to load', { modelDir, error: e });
      throw e;
    }
  })();
  ready.catch(() => undefined); // callers that only need the URL must not see an unhandled rejection

  return {
    url,
    port,
    ready,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function allow(req: IncomingMessage, ...methods: string[]): void {
  if (!methods.includes(req.method ?? '')) {
    throw new ServeError(
      405,
      'METHOD_NOT_ALLOWED',
      `${req.method} is not allowed on ${req.url}: use ${methods.join(' or ')}`,
    );
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
