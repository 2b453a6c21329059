/** Messages between the runner and a function's worker thread (types only; no runtime code). */

export interface WorkerData {
  bundleFile: string;
  exportName: string;
  handler: string;
}

export interface InvokeContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  /** Epoch ms when the function's timeout expires (getRemainingTimeInMillis counts down to it). */
  deadline: number;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  /** The event as JSON text: Lambda hands handlers a parsed copy, never a shared object. */
  event: string;
  context: InvokeContext;
}

/** Lambda's error shape (errorType/errorMessage), as the Invoke API reports a function error. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type WorkerMessage =
  | { type: 'ready'; initError?: LambdaErrorPayload }
  | { type: 'result'; id: number; ok: true; payload: string }
  | { type: 'result'; id: number; ok: false; error: LambdaErrorPayload };
