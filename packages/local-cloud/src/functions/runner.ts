import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type S3rver from 's3rver';
import { AsyncInvoker } from './async-invoker';
import { FailedEvents } from './failed-events';
import { PendingEvents } from './pending-events';
import { bundleRuntime, bundleService } from './bundler';
import { eventTargets, toBusEvent, type BusEvent, type PutEventsEntry } from './eventbridge';
import { startHttpApi, type HttpApi, type HttpApiTarget } from './http-api';
import type { Route } from './http-routes';
import { LambdaError, LambdaFunction } from './lambda-function';
import { attachS3Notifications, unencodedRuleValues } from './s3-notifications';
import { resolveServices } from './service-config';
import type { MetricsFile } from './metrics-file';
import { scheduledEvent } from './scheduled-event';
import type { FunctionDefinition, ServiceDefinition } from './types';

export interface StartFunctionsOptions {
  /** Service directories, each with a serverless.yml. */
  serviceDirs: string[];
  stage?: string;
  /** What every function's environment starts from: local endpoints, credentials, region. */
  baseEnv: Record<string, string>;
  /** Environment for `${env:...}` while resolving serverless.yml (default: baseEnv). */
  configEnv?: Record<string, string>;
  /** HTTP API port on 127.0.0.1 (0: any free port). */
  httpPort?: number;
  log?: (line: string) => void;
  /** Where bundles go (default: a temporary directory removed on close). */
  cacheDir?: string;
  /** Delays between async retries (S3, EventBridge); Lambda retries twice. */
  asyncRetryDelaysMs?: number[];
  /** Where async events that failed every attempt are kept (default: <cacheDir>/failed-events). */
  failedEventsDir?: string;
  /** Where accepted async events wait until delivered (pending-events.ts); none kept when unset. */
  pendingEventsDir?: string;
  accessLog?: boolean;
  /** Where the functions' EMF metric lines are kept (none kept when unset). */
  metricsFile?: MetricsFile;
}

export interface FunctionSummary {
  service: string;
  key: string;
  name: string;
  handler: string;
  events: FunctionDefinition['events'];
}

export interface LocalFunctions {
  services: ServiceDefinition[];
  functions: FunctionSummary[];
  /** Base URL of the HTTP API (routes of every service). */
  httpUrl: string;
  /** Synchronous invoke by deployed name (`digits-inference-local-predict`) or unique function key. */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Deliver events to every function whose eventBridge rule matches (async); returns who matched. */
  putEvents(events: Partial<BusEvent> | PutEventsEntry | Array<Partial<BusEvent> | PutEventsEntry>): {
    matched: string[];
  };
  /** Deliver an s3rver's object events to matching functions; returns a detach function. */
  attachS3(server: S3rver): () => void;
  /** Milliseconds a function's warm workers have spent running code (see LambdaFunction.busyMs). */
  busyMs(functionName: string): number;
  /** Resolves when every async delivery (with retries) so far has finished. */
  idle(): Promise<void>;
  /** Async events that failed every attempt (the on-failure destination's stand-in). */
  failedEvents: FailedEvents;
  /** Delivers the async events an earlier run accepted and did not finish (call once the stand-ins are up); how many. */
  redeliverPending(): number;
  close(): Promise<void>;
}

const defaultLog = (line: string) => process.stdout.write(`${line}\n`);

/** Deterministic 10-character API id per service, like API Gateway's `a1b2c3d4e5`. */
function apiIdFor(service: ServiceDefinition): string {
  return createHash('sha1').update(`${service.service}-${service.stage}`).digest('hex').slice(0, 10);
}

export async function startFunctions(options: StartFunctionsOptions): Promise<LocalFunctions> {
  const stage = options.stage ?? 'local';
  const log = options.log ?? defaultLog;
  const ownCache = options.cacheDir === undefined;
  const cacheDir = options.cacheDir ?? (await mkdtemp(path.join(os.tmpdir(), 'digits-functions-')));
  const lambdas = new Map<string, LambdaFunction>();
  let http: HttpApi | undefined;
  let asyncInvoker: AsyncInvoker | undefined;
  const detachers = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shutDown());
  const shutDown = async () => {
    for (const detach of detachers) detach();
    detachers.clear();
    for (const timer of timers) clearInterval(timer);
    timers.clear();
    asyncInvoker?.close();
    await Promise.allSettled([http?.close(), ...[...lambdas.values()].map((l) => l.close())]);
    // Invocations cut short by the stop are kept as failed events: wait for those writes.
    await asyncInvoker?.idle();
    if (ownCache) await rm(cacheDir, { recursive: true, force: true });
  };

  try {
    const services = await resolveServices(options.serviceDirs, {
      stage,
      env: options.configEnv ?? options.baseEnv,
      cacheDir: options.cacheDir,
      warn: (m) => log(`[functions] WARN ${m}`),
    });
    const [runtimeFile, bundles] = await Promise.all([
      bundleRuntime(cacheDir),
      Promise.all(services.map((s) => bundleService(s, cacheDir))),
    ]);

    for (const [i, service] of services.entries()) {
      for (const { functionName, variable, value, from } of service.standIns) {
        log(`[functions] ${functionName}: ${variable}=${value} (local stand-in for ${from})`);
      }
      for (const definition of service.functions) {
        for (const source of definition.events.s3) {
          for (const v of unencodedRuleValues(source)) {
            log(
              `[functions] WARN ${definition.name}: s3 rule "${v}" has characters S3 URL-encodes in keys; S3 matches rules against the encoded key`,
            );
          }
        }
        lambdas.set(
          definition.name,
          new LambdaFunction({
            definition,
            bundle: bundles[i]!.get(definition.name)!,
            runtimeFile,
            region: service.region,
            baseEnv: options.baseEnv,
            log,
            ...(options.metricsFile ? { metrics: options.metricsFile } : {}),
          }),
        );
      }
    }
    // Warm every worker now so the first request pays no cold start; init errors are loud, not fatal.
    await Promise.all(
      [...lambdas.values()].map(async (lambda) => {
        const initError = await lambda
          .start()
          .catch((e: Error) => ({ errorType: 'Runtime.ExitError', errorMessage: e.message }));
        if (initError)
          log(`[${lambda.definition.name}] ERROR init failed: ${initError.errorType}: ${initError.errorMessage}`);
      }),
    );

    const find = (name: string): LambdaFunction => {
      const exact = lambdas.get(name);
      if (exact) return exact;
      const byKey = [...lambdas.values()].filter((l) => l.definition.key === name);
      if (byKey.length === 1) return byKey[0]!;
      const known = [...lambdas.keys()].join(', ');
      throw new LambdaError(
        'ResourceNotFoundException',
        byKey.length > 1
          ? `function key ${name} is ambiguous; use one of ${known}`
          : `Function not found: ${name} (known: ${known})`,
        name,
      );
    };
    const invoke = async (name: string, event: unknown) => find(name).invoke(event);
    const region = services[0]?.region ?? options.baseEnv.AWS_REGION ?? 'us-east-1';
    const failedEvents = new FailedEvents(options.failedEventsDir ?? path.join(cacheDir, 'failed-events'));
    asyncInvoker = new AsyncInvoker({
      invoke,
      log,
      failedEvents,
      ...(options.pendingEventsDir ? { pending: new PendingEvents(options.pendingEventsDir) } : {}),
      region,
      ...(options.asyncRetryDelaysMs ? { retryDelaysMs: options.asyncRetryDelaysMs } : {}),
    });
    const invoker = asyncInvoker;

    const routes: Route<HttpApiTarget>[] = services.flatMap((service) =>
      service.functions.flatMap((definition) =>
        definition.events.httpApi.map(({ routeKey }) => ({
          routeKey,
          target: {
            functionName: definition.name,
            apiId: apiIdFor(service),
            ...(service.cors ? { cors: service.cors } : {}),
            invoke: (event: unknown) => lambdas.get(definition.name)!.invoke(event),
          },
        })),
      ),
    );
    http = await startHttpApi({ routes, port: options.httpPort ?? 0, log, accessLog: options.accessLog });

    const definitions = services.flatMap((s) => s.functions);
    // Scheduled rules (rate expressions), as EventBridge Scheduler would fire them: async, with retries.
    for (const d of definitions) {
      for (const schedule of d.events.schedule) {
        const timer = setInterval(
          () => invoker.enqueue(d.name, scheduledEvent(d.name, schedule, region), `schedule ${schedule.expression}`),
          schedule.everyMs,
        );
        timer.unref();
        timers.add(timer);
      }
    }
    for (const d of definitions) {
      const events = [
        ...d.events.httpApi.map((r) => `httpApi ${r.routeKey}`),
        ...d.events.s3.map(
          (s) =>
            `s3 ${s.bucket} ${s.event}${s.prefix ? ` prefix=${s.prefix}` : ''}${s.suffix ? ` suffix=${s.suffix}` : ''}`,
        ),
        ...d.events.eventBridge.map((e) => `eventBridge ${e.eventBus} ${JSON.stringify(e.pattern)}`),
        ...d.events.schedule.map((e) => `schedule ${e.expression}`),
      ];
      log(`[functions] ${d.name} (${d.handler})${events.length ? `: ${events.join('; ')}` : ''}`);
    }
    log(`[functions] HTTP API on ${http.url}`);

    return {
      services,
      functions: definitions.map(({ service, key, name, handler, events }) => ({
        service,
        key,
        name,
        handler,
        events,
      })),
      httpUrl: http.url,
      invoke,
      putEvents(events) {
        const matched: string[] = [];
        for (const input of Array.isArray(events) ? events : [events]) {
          const { bus, event } = toBusEvent(input, region);
          for (const { definition, input: delivered } of eventTargets(definitions, bus, event)) {
            matched.push(definition.name);
            invoker.enqueue(definition.name, delivered, `EventBridge (${event.source} / ${event['detail-type']})`);
          }
        }
        return { matched };
      },
      attachS3(server) {
        const targets = definitions
          .filter((d) => d.events.s3.length > 0)
          .map((definition) => ({
            definition,
            deliver: (event: unknown) => invoker.enqueue(definition.name, event, 'S3'),
          }));
        const detach = attachS3Notifications(server, targets, region, log, (work) => invoker.track(work));
        detachers.add(detach);
        return () => {
          detach();
          detachers.delete(detach);
        };
      },
      busyMs: (name) => find(name).busyMs(),
      idle: () => invoker.idle(),
      failedEvents,
      redeliverPending: () => invoker.redeliverPending(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
