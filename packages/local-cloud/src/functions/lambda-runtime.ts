/**
 * Runs inside a function's worker thread: loads the bundled handler once (the init phase), then
 * serves invocations. Several invocations may be in flight at once in one worker (the HTTP path
 * keeps a single warm worker); on Lambda each would have its own environment, so module-level state
 * is shared here where it would not be there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import type { InvokeContext, InvokeMessage, LambdaErrorPayload, WorkerData, WorkerMessage } from './worker-protocol';

process.setSourceMapsEnabled(true);

type Handler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

const data = workerData as WorkerData;
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

function toErrorPayload(error: unknown, fallbackType = 'Error'): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name || fallbackType, errorMessage: error.message, trace: error.stack?.split('\n') };
  }
  return {
    errorType: fallbackType,
    errorMessage: typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error)),
  };
}

let handler: Handler | undefined;
let initError: LambdaErrorPayload | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's path is known only at run time, and Lambda loads a CommonJS handler with require
  const mod = require(data.bundleFile) as Record<string, unknown>;
  const exported = mod[data.exportName];
  if (typeof exported === 'function') handler = exported as Handler;
  else {
    initError = {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${path.basename(data.handler)} is undefined or not exported`,
    };
  }
} catch (error) {
  const code = (error as { code?: string }).code;
  initError = toErrorPayload(error);
  if (code === 'MODULE_NOT_FOUND') initError.errorType = 'Runtime.ImportModuleError';
}
post({ type: 'ready', initError });

function lambdaContext(c: InvokeContext) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: c.functionName,
    functionVersion: c.functionVersion,
    invokedFunctionArn: c.invokedFunctionArn,
    memoryLimitInMB: c.memoryLimitInMB,
    awsRequestId: c.awsRequestId,
    logGroupName: c.logGroupName,
    logStreamName: c.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, c.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Async handlers resolve their promise; callback-style ones (3 parameters) call back. */
function call(fn: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = fn(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function')
        (returned as Promise<unknown>).then(resolve, reject);
      else if (fn.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

port.on('message', async (message: InvokeMessage) => {
  if (message.type !== 'invoke') return;
  const { id } = message;
  if (!handler) {
    post({ type: 'result', id, ok: false, error: initError! });
    return;
  }
  let result: unknown;
  try {
    result = await call(handler, JSON.parse(message.event), lambdaContext(message.context));
  } catch (error) {
    const payload = toErrorPayload(error);
    // The Node.js runtime logs a failed invocation to the function's own log like this.
    console.error(
      `${new Date().toISOString()}\t${message.context.awsRequestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace })}`,
    );
    post({ type: 'result', id, ok: false, error: payload });
    return;
  }
  let payload: string;
  try {
    // Lambda serialises the result as JSON (undefined → null).
    payload = JSON.stringify(result) ?? 'null';
  } catch (error) {
    post({
      type: 'result',
      id,
      ok: false,
      error: {
        errorType: 'Runtime.MarshalError',
        errorMessage: `Unable to stringify response body: ${(error as Error).message}`,
      },
    });
    return;
  }
  post({ type: 'result', id, ok: true, payload });
});
