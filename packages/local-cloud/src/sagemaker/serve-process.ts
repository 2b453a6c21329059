import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { ML_ROOT_ENV, SERVE_PORT_ENV } from '@digits/common';
import { ManagedChild, type Exit, type Stream } from './child-process';

/**
 * One model container's `serve`, as a SageMaker hosting instance runs it: DIGITS_ML_ROOT holds the
 * extracted model.tar.gz under model/, SAGEMAKER_BIND_TO_PORT a free loopback port; it is ready
 * once `GET /ping` answers 200, and `POST /invocations` is proxied to it.
 */

export interface ServeOptions {
  modelCommand: readonly string[];
  mlRoot: string;
  /** The model's PrimaryContainer.Environment. */
  environment?: Record<string, string>;
  variantName: string;
  logFile: string;
  pingTimeoutMs: number;
  stopGraceMs: number;
  onLine(line: string, stream: Stream): void;
}

export interface ServeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class ServeStartError extends Error {
  override name = 'ServeStartError';
}

const PING_INTERVAL_MS = 200;
const TAIL_LINES = 5;

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * One HTTP call to the model server. A kept-alive socket can be closed by the server (its idle
 * timeout) just as a request is written on it; Node then reports ECONNRESET / "socket hang up" on a
 * reused socket before any answer. Nothing was processed, so the call is sent once more on a fresh
 * socket (the pattern Node's docs give for `request.reusedSocket`), as SageMaker's own front end
 * would; any other failure is the caller's.
 */
export async function httpCall(...call: Parameters<typeof httpCallOnce>): Promise<ServeAnswer> {
  try {
    return await httpCallOnce(...call);
  } catch (error) {
    if (!(error as { staleSocket?: boolean }).staleSocket) throw error;
    return httpCallOnce(...call);
  }
}

function httpCallOnce(
  port: number,
  agent: Agent | undefined,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<ServeAnswer> {
  return new Promise((resolveAnswer, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: timeoutMs }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = !answered && req.reusedSocket && error.code === 'ECONNRESET';
      reject(stale ? Object.assign(error, { staleSocket: true }) : error);
    });
    req.end(body);
  });
}

export class ServeProcess {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly inFlight = new Set<Promise<ServeAnswer>>();
  private stopping = false;

  private constructor(
    private readonly child: ManagedChild,
    readonly port: number,
    private readonly log: WriteStream,
    private readonly stopGraceMs: number,
  ) {}

  /** Spawns `serve` and resolves once /ping answers 200; otherwise stops it and throws ServeStartError. */
  static async start(options: ServeOptions): Promise<ServeProcess> {
    await mkdir(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const port = await freeLoopbackPort();
    const tail: string[] = [];
    const child = new ManagedChild({
      argv: [...options.modelCommand, 'serve'],
      cwd: options.mlRoot,
      env: {
        ...process.env,
        ...(options.environment ?? {}),
        [ML_ROOT_ENV]: options.mlRoot,
        [SERVE_PORT_ENV]: String(port),
      },
      onLine: (line, stream) => {
        log.write(`${line}\n`);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        options.onLine(line, stream);
      },
    });
    const notReady = `The primary container for production variant ${options.variantName} did not pass the ping health check. Please check CloudWatch logs for this endpoint.`;
    const deadline = Date.now() + options.pingTimeoutMs;
    let exit: Exit | undefined;
    void child.exited.then((e) => (exit = e));
    while (!exit && Date.now() < deadline) {
      const ok = await httpCall(port, undefined, 'GET', '/ping', {}, undefined, 2000).then(
        (a) => a.status === 200,
        () => false,
      );
      if (ok) return new ServeProcess(child, port, log, options.stopGraceMs);
      await new Promise((r) => setTimeout(r, PING_INTERVAL_MS));
    }
    const result = exit ?? (await child.stop(options.stopGraceMs));
    log.end();
    const why = exit
      ? exit.error
        ? `could not start the serve command: ${exit.error.message}`
        : `serve exited with ${exit.code !== null ? `code ${exit.code}` : result.signal}`
      : `no 200 from /ping within ${Math.round(options.pingTimeoutMs / 1000)} s`;
    throw new ServeStartError(`${notReady} (local: ${why}${tail.length ? `; last output: ${tail.join(' | ')}` : ''})`);
  }

  get running(): boolean {
    return this.child.running;
  }

  /** Resolves when the process ends for any reason other than `stop()`. */
  get crashed(): Promise<Exit> {
    return this.child.exited.then((e) => (this.stopping ? new Promise<Exit>(() => undefined) : e));
  }

  invoke(body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<ServeAnswer> {
    const call = httpCall(
      this.port,
      this.agent,
      'POST',
      '/invocations',
      { ...headers, 'content-length': String(body.length) },
      body,
      timeoutMs,
    );
    this.inFlight.add(call);
    const settled = () => this.inFlight.delete(call);
    call.then(settled, settled);
    return call;
  }

  /**
   * Invocations already sent finish first (up to the stop's grace period): an endpoint update
   * stops the old variant once the new one takes the traffic, and SageMaker lets the old one's
   * requests complete — cutting them would answer a /predict in the middle of a rollout with 502.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((r) => (timer = setTimeout(r, this.stopGraceMs))),
      ]);
      clearTimeout(timer);
    }
    this.agent.destroy();
    await this.child.stop(this.stopGraceMs);
    await new Promise<void>((r) => this.log.end(r));
  }
}
