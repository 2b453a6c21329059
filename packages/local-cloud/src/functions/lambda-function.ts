import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { HandlerBundle } from './bundler';
import type { MetricsFile } from './metrics-file';
import { LOCAL_ACCOUNT_ID } from './intrinsics';
import type { FunctionDefinition } from './types';
import type { InvokeMessage, LambdaErrorPayload, WorkerData, WorkerMessage } from './worker-protocol';

/** A function error or invoke failure, with Lambda's errorType as `name`. */
export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly functionName: string,
    readonly trace?: string[],
  ) {
    super(message);
    this.name = errorType;
  }
}

/** Lambda's synchronous invoke limit on request and response payloads (6 MB). */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;

export interface LambdaFunctionOptions {
  definition: FunctionDefinition;
  bundle: HandlerBundle;
  runtimeFile: string;
  region: string;
  /** Local endpoints and credentials every function gets (AWS_ENDPOINT_URL_*, keys, region). */
  baseEnv: Record<string, string>;
  log: (line: string) => void;
  /** Where the EMF lines the function prints are kept (CloudWatch's stand-in). */
  metrics?: MetricsFile;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: LambdaError) => void;
  timer: NodeJS.Timeout;
  requestId: string;
}

/** One warm execution environment: a worker thread with the function's own environment. */
class Instance {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<LambdaErrorPayload | undefined>;
  retired = false;
  exited = false;
  private nextId = 1;

  constructor(
    private readonly fn: LambdaFunction,
    env: Record<string, string>,
  ) {
    const { definition, bundle } = fn.options;
    const workerData: WorkerData = {
      bundleFile: bundle.file,
      exportName: bundle.exportName,
      handler: definition.handler,
    };
    this.worker = new Worker(fn.options.runtimeFile, {
      workerData,
      env,
      stdout: true,
      stderr: true,
      // Lambda's memory setting bounds the heap the function can use.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, definition.memorySize) },
      name: definition.name,
    });
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        fn.options.metrics?.offer(definition.name, line);
        fn.options.log(`[${definition.name}] ${line}`);
      });
    }
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') resolve(message.initError);
        else this.settle(message);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} during init`)));
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (error) =>
      fn.options.log(`[${definition.name}] ERROR runtime crashed: ${error.stack ?? error.message}`),
    );
    this.worker.on('exit', (code) => {
      this.exited = true;
      const error = (requestId: string) =>
        new LambdaError(
          'Runtime.ExitError',
          `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
          definition.name,
        );
      for (const [id, p] of this.pending) this.finish(id, p, () => p.reject(error(p.requestId)));
      fn.instanceExited(this);
    });
  }

  invoke(event: string, requestId: string, timeoutMs: number): Promise<unknown> {
    const { definition, region } = this.fn.options;
    const id = this.nextId++;
    const deadline = Date.now() + timeoutMs;
    const message: InvokeMessage = {
      type: 'invoke',
      id,
      event,
      context: {
        functionName: definition.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${definition.name}`,
        memoryLimitInMB: String(definition.memorySize),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${definition.name}`,
        logStreamName: this.fn.logStreamName,
        deadline,
      },
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const p = this.pending.get(id);
        if (!p) return;
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.fn.options.log(`[${definition.name}] ${requestId} Task timed out after ${seconds} seconds`);
        this.finish(id, p, () =>
          reject(
            new LambdaError(
              'Sandbox.Timedout',
              `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
              definition.name,
            ),
          ),
        );
        // Lambda discards a timed-out environment: new invocations get a fresh one.
        this.fn.retire(this);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, requestId });
      this.worker.postMessage(message);
    });
  }

  private settle(message: Extract<WorkerMessage, { type: 'result' }>) {
    const p = this.pending.get(message.id);
    if (!p) return; // already timed out
    const name = this.fn.options.definition.name;
    if (!message.ok) {
      const { errorType, errorMessage, trace } = message.error;
      this.finish(message.id, p, () => p.reject(new LambdaError(errorType, errorMessage, name, trace)));
    } else if (message.payload.length > SYNC_PAYLOAD_LIMIT) {
      const error = new LambdaError(
        'Function.ResponseSizeTooLarge',
        `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_LIMIT} bytes).`,
        name,
      );
      this.finish(message.id, p, () => p.reject(error));
    } else {
      this.finish(message.id, p, () => p.resolve(JSON.parse(message.payload)));
    }
  }

  private finish(id: number, p: Pending, settle: () => void) {
    clearTimeout(p.timer);
    this.pending.delete(id);
    settle();
    if (this.retired && this.pending.size === 0 && !this.exited) void this.worker.terminate();
  }
}

/** A function's warm worker, created at start so the first request pays no cold start. */
export class LambdaFunction {
  readonly logStreamName: string;
  private current: Instance | undefined;
  private readonly instances = new Set<Instance>();
  private closed = false;

  constructor(readonly options: LambdaFunctionOptions) {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    this.logStreamName = `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
  }

  get definition(): FunctionDefinition {
    return this.options.definition;
  }

  private environment(): Record<string, string> {
    const { definition, baseEnv, region } = this.options;
    return {
      ...pick(process.env, ['PATH', 'HOME', 'TMPDIR', 'LANG']),
      ...baseEnv,
      ...definition.environment,
      AWS_REGION: baseEnv.AWS_REGION ?? region,
      AWS_DEFAULT_REGION: baseEnv.AWS_DEFAULT_REGION ?? baseEnv.AWS_REGION ?? region,
      AWS_LAMBDA_FUNCTION_NAME: definition.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${definition.runtime}`,
      _HANDLER: definition.handler,
    };
  }

  private instance(): Instance {
    if (this.closed)
      throw new LambdaError(
        'ResourceNotFoundException',
        `Function ${this.definition.name} is shut down`,
        this.definition.name,
      );
    if (!this.current || this.current.exited || this.current.retired) {
      this.current = new Instance(this, this.environment());
      this.instances.add(this.current);
    }
    return this.current;
  }

  /** Start the worker and run the handler module's init; resolves with the init error, if any. */
  async start(): Promise<LambdaErrorPayload | undefined> {
    return this.instance().ready;
  }

  /** Invoke synchronously (RequestResponse): the handler's result, or a LambdaError. */
  async invoke(event: unknown): Promise<unknown> {
    const json = JSON.stringify(event) ?? 'null';
    const name = this.definition.name;
    if (json.length > SYNC_PAYLOAD_LIMIT) {
      throw new LambdaError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
        name,
      );
    }
    const instance = this.instance();
    const initError = await instance.ready.catch((error: Error) => ({
      errorType: 'Runtime.ExitError',
      errorMessage: error.message,
    }));
    if (initError)
      throw new LambdaError(
        initError.errorType,
        initError.errorMessage,
        name,
        'trace' in initError ? initError.trace : undefined,
      );
    return instance.invoke(json, randomUUID(), this.definition.timeoutSeconds * 1000);
  }

  /**
   * Milliseconds this function's live workers have spent running code (their event loops' active
   * time, Node's eventLoopUtilization): the function's own share of a benchmark's CPU, apart from
   * the HTTP API and stand-ins on the main thread. A retired worker's time leaves with it.
   */
  busyMs(): number {
    let total = 0;
    for (const instance of this.instances)
      if (!instance.exited) total += instance.worker.performance.eventLoopUtilization().active;
    return total;
  }

  retire(instance: Instance) {
    instance.retired = true;
    if (instance.pending.size === 0 && !instance.exited) void instance.worker.terminate();
  }

  instanceExited(instance: Instance) {
    this.instances.delete(instance);
    if (this.current === instance) this.current = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.instances].map((i) => i.worker.terminate()));
    this.instances.clear();
    this.current = undefined;
  }
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}
