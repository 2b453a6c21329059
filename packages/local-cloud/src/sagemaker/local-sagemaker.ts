import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createLogger, createS3Client, type Logger } from '@digits/common';
import { EVENT, LOG, type Context, type LogLine, type Settings } from './context';
import { AwsError } from './errors';
import { createSageMakerServer, type RuntimeAnswer, type RuntimeRequest } from './http-server';
import { Hosting } from './hosting';
import { invokeEndpoint } from './runtime';
import { StateFile } from './state';
import type { SageMakerEvent } from './state-change-events';
import { Tags } from './tags';
import { TrainingJobs } from './training-jobs';
import { DEFAULT_REGION } from './wire';

export interface LocalSageMakerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Jobs' and endpoints' folders, logs, and state.json live here. */
  workDir: string;
  /** argv prefix of the model container; `train` or `serve` is appended (e.g. [node, '--import', 'tsx', '.../cli.ts']). */
  modelCommand: string[];
  /** S3 client for channels and artifacts; default: createS3Client() (honours AWS_ENDPOINT_URL_S3). */
  s3?: S3Client;
  region?: string;
  log?: Logger;
  /** SIGTERM → SIGKILL grace for child processes (default 10 s; SageMaker gives 120 s). */
  stopGraceMs?: number;
  /** How long a new `serve` may take to answer /ping (default 120 s). */
  pingTimeoutMs?: number;
  /** InvokeEndpoint's limit on the container's answer (default 60 s, as SageMaker). */
  invocationTimeoutMs?: number;
  /** Training jobs allowed InProgress at once (default: no limit). */
  maxConcurrentTrainingJobs?: number;
  /** Refuse requests without a SigV4 Authorization header, like AWS (default true). */
  requireSignature?: boolean;
}

export interface LocalSageMaker {
  /** Base URL for both AWS_ENDPOINT_URL_SAGEMAKER and AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME. */
  endpoint: string;
  port: number;
  region: string;
  workDir: string;
  /** 'event': EventBridge-shaped state changes (SageMakerEvent); 'log': LogLine of `train`/`serve` output. */
  events: EventEmitter;
  onEvent(listener: (event: SageMakerEvent) => void): () => void;
  onLog(listener: (line: LogLine) => void): () => void;
  trainingJobLogFile(name: string): string;
  endpointLogFile(name: string): string;
  /** Stops every child process and the server; state.json keeps what a restart needs. */
  close(): Promise<void>;
}

export async function startLocalSageMaker(options: LocalSageMakerOptions): Promise<LocalSageMaker> {
  if (options.modelCommand.length === 0) throw new Error('modelCommand must name the model container command');
  const workDir = resolve(options.workDir);
  await mkdir(workDir, { recursive: true });
  const region = options.region ?? DEFAULT_REGION;
  const log = options.log ?? createLogger('local-sagemaker');
  const stateFile = new StateFile(join(workDir, 'state.json'));
  const state = await stateFile.load();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const settings: Settings = {
    stopGraceMs: options.stopGraceMs ?? 10_000,
    pingTimeoutMs: options.pingTimeoutMs ?? 120_000,
    invocationTimeoutMs: options.invocationTimeoutMs ?? 60_000,
    maxConcurrentTrainingJobs: options.maxConcurrentTrainingJobs ?? Number.POSITIVE_INFINITY,
  };
  const ctx: Context = {
    region,
    workDir,
    modelCommand: options.modelCommand,
    s3: options.s3 ?? createS3Client(),
    state,
    persist: () =>
      void stateFile
        .save(state)
        .catch((error: unknown) => log.error('could not write state', { error, path: stateFile.path })),
    emitter,
    log,
    settings,
  };

  const training = new TrainingJobs(ctx);
  const hosting = new Hosting(ctx);
  const tags = new Tags(ctx);
  training.failInterrupted();
  await hosting.restore();

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {};
  for (const target of [training, hosting, tags] as object[]) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
      const fn = (target as Record<string, unknown>)[name];
      if (/^[A-Z]/.test(name) && typeof fn === 'function')
        operations[name] = (fn as (i: Record<string, unknown>) => Promise<unknown>).bind(target);
    }
  }
  const controlPlane = {
    call: async (operation: string, input: Record<string, unknown>) => {
      const op = operations[operation];
      if (!op) throw new AwsError('UnknownOperationException', `The local SageMaker does not implement ${operation}`);
      return op(input);
    },
  };
  const invoke = async ({ endpointName, body, headers }: RuntimeRequest): Promise<RuntimeAnswer> => {
    const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
    const result = await invokeEndpoint(
      hosting,
      region,
      {
        endpointName,
        body,
        contentType: header('content-type'),
        accept: header('accept'),
        customAttributes: header('x-amzn-sagemaker-custom-attributes'),
      },
      settings.invocationTimeoutMs,
    );
    return {
      body: result.body,
      headers: {
        'Content-Type': result.contentType,
        'x-Amzn-Invoked-Production-Variant': result.variantName,
        ...(result.customAttributes ? { 'X-Amzn-SageMaker-Custom-Attributes': result.customAttributes } : {}),
      },
    };
  };

  const server = createSageMakerServer(
    { controlPlane, invoke, requireSignature: options.requireSignature ?? true },
    (message, fields) => log.error(message, fields),
  );
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
    });
  } catch (e) {
    await hosting.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    workDir,
    events: emitter,
    onEvent(listener) {
      emitter.on(EVENT, listener);
      return () => emitter.off(EVENT, listener);
    },
    onLog(listener) {
      emitter.on(LOG, listener);
      return () => emitter.off(LOG, listener);
    },
    trainingJobLogFile: (name) => training.logFile(name),
    endpointLogFile: (name) => hosting.endpointLogFile(name),
    close() {
      closed ??= (async () => {
        server.closeAllConnections();
        const serverClosed = new Promise<void>((r) => server.close(() => r()));
        await training.close();
        await hosting.close();
        await serverClosed;
        await stateFile.save(state);
      })();
      return closed;
    },
  };
}
