import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  IntrinsicError,
  describeIntrinsic,
  isIntrinsic,
  resolveEnvironmentValue,
  type IntrinsicContext,
} from './intrinsics';
import type {
  EventBridgeSource,
  FunctionDefinition,
  HttpApiCors,
  HttpApiRoute,
  S3EventSource,
  ScheduleSource,
  ServiceDefinition,
} from './types';

/**
 * A service's functions as the framework resolves them: `sls print --stage <stage> --format json`
 * (osls) in the service directory, so `${file:}`, `${env:}`, `${self:}`, `${sls:stage}` resolve
 * exactly as for `sls deploy`. The runner keeps no wiring of its own.
 */

export class ServiceConfigError extends Error {
  override name = 'ServiceConfigError';
}

export interface PrintOptions {
  stage: string;
  /** Extra environment for `${env:...}` (merged over this process's environment). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Keep printed configs here, keyed by everything they depend on (see `configCacheKey`). */
  cacheDir?: string;
}

/**
 * What a printed config depends on: the framework version, the stage, serverless.yml and the
 * files it includes with `${file(...)}`, and the values of the `${env:...}` variables they name.
 * `sls print` costs seconds of CPU per service; with this key a restart skips it safely.
 */
export function configCacheKey(serviceDir: string, stage: string, env: Record<string, string | undefined>): string {
  const hash = createHash('sha256').update(`${findOslsBin(serviceDir)}\0${stage}\0`);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    hash.update(`${file}\0${text}\0`);
    for (const [, ref] of text.matchAll(/\$\{file\(([^)]+)\)/g)) visit(path.resolve(serviceDir, ref!.trim()));
    for (const [, name] of text.matchAll(/\benv:([A-Za-z_][A-Za-z0-9_]*)/g))
      hash.update(`${name}=${env[name!] ?? '\u0000unset'}\0`);
  };
  visit(path.join(serviceDir, 'serverless.yml'));
  return hash.digest('hex').slice(0, 24);
}

async function printServiceConfigCached(serviceDir: string, options: PrintOptions): Promise<Record<string, unknown>> {
  if (!options.cacheDir) return printServiceConfig(serviceDir, options);
  const key = configCacheKey(serviceDir, options.stage, { ...process.env, ...options.env });
  const file = path.join(options.cacheDir, `config-${path.basename(serviceDir)}-${key}.json`);
  const cached = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => undefined,
  );
  if (cached) return cached;
  const printed = await printServiceConfig(serviceDir, options);
  await mkdir(options.cacheDir, { recursive: true });
  await writeFile(file, JSON.stringify(printed));
  return printed;
}

/** Run the framework's own resolver; returns the printed (fully variable-resolved) configuration. */
export async function printServiceConfig(
  serviceDir: string,
  { stage, env = {}, timeoutMs = 120_000 }: PrintOptions,
): Promise<Record<string, unknown>> {
  if (!existsSync(path.join(serviceDir, 'serverless.yml')))
    throw new ServiceConfigError(`${serviceDir} has no serverless.yml`);
  const bin = findOslsBin(serviceDir);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, 'print', '--stage', stage, '--format', 'json'],
      {
        cwd: serviceDir,
        env: {
          ...process.env,
          ...env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          SLS_DEPRECATION_DISABLE: '*',
        },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, out, err) => {
        if (error)
          reject(new ServiceConfigError(`sls print failed in ${serviceDir}: ${error.message}\n${tail(err || out)}`));
        else resolve(out);
      },
    );
  });
  const start = stdout.indexOf('{');
  try {
    return JSON.parse(stdout.slice(start)) as Record<string, unknown>;
  } catch {
    throw new ServiceConfigError(`sls print in ${serviceDir} did not print JSON:\n${tail(stdout)}`);
  }
}

const tail = (s: string) => s.split('\n').slice(-15).join('\n');

/** The service's own osls when it has one (never the serverless v4 stub, which downloads), else ours. */
function findOslsBin(serviceDir: string): string {
  for (const from of [serviceDir, __dirname]) {
    try {
      const pkgPath = require.resolve('serverless/package.json', { paths: [from] });
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string; bin?: Record<string, string> };
      if (pkg.name === 'osls' && pkg.bin?.sls) return path.join(path.dirname(pkgPath), pkg.bin.sls);
    } catch {
      // not installed there: try the next place
    }
  }
  throw new ServiceConfigError(
    `no osls ("serverless": "npm:osls@...") resolvable from ${serviceDir} or @digits/local-cloud`,
  );
}

/** Lambda refuses these as user variables: a config setting one would fail to deploy. */
const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

export interface ParseOptions {
  serviceDir: string;
  stage: string;
  /** Value of a CloudFormation export declared by another service (Fn::ImportValue). */
  importValue?: (exportName: string) => string | undefined;
  /** Told about every event the runner does not deliver (schedule, sqs, ...). */
  warn?: (message: string) => void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Serverless's logical id for a function key (`predict-digit` → `PredictDashdigitLambdaFunction`). */
export function functionLogicalId(key: string): string {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

export function intrinsicContext(
  printed: Obj,
  stage: string,
  importValue?: (name: string) => string | undefined,
): IntrinsicContext {
  const provider = isObj(printed.provider) ? printed.provider : {};
  const service = serviceName(printed);
  const functions = isObj(printed.functions) ? printed.functions : {};
  const functionLogicalIds = Object.fromEntries(
    Object.entries(functions).map(([key, fn]) => [functionLogicalId(key), deployedName(service, stage, key, fn)]),
  );
  const resources = isObj(printed.resources) && isObj(printed.resources.Resources) ? printed.resources.Resources : {};
  return {
    service,
    stage,
    region: typeof provider.region === 'string' ? provider.region : 'us-east-1',
    resources: resources as IntrinsicContext['resources'],
    functionLogicalIds,
    importValue,
  };
}

/** CloudFormation exports a printed config declares (resources.Outputs.*.Export.Name), resolved locally. */
export function exportsOf(printed: Obj, stage: string): Record<string, string> {
  const outputs = isObj(printed.resources) && isObj(printed.resources.Outputs) ? printed.resources.Outputs : {};
  const ctx = intrinsicContext(printed, stage);
  const result: Record<string, string> = {};
  for (const [id, output] of Object.entries(outputs)) {
    if (!isObj(output) || !isObj(output.Export) || output.Export.Name === undefined) continue;
    try {
      result[resolveEnvironmentValue(output.Export.Name, ctx)] = resolveEnvironmentValue(output.Value, ctx);
    } catch (error) {
      throw new ServiceConfigError(`${ctx.service}: output ${id}: ${(error as Error).message}`);
    }
  }
  return result;
}

function serviceName(printed: Obj): string {
  const s = printed.service;
  const name = typeof s === 'string' ? s : isObj(s) && typeof s.name === 'string' ? s.name : undefined;
  if (!name) throw new ServiceConfigError('config has no service name');
  return name;
}

function deployedName(service: string, stage: string, key: string, fn: unknown): string {
  return isObj(fn) && typeof fn.name === 'string' ? fn.name : `${service}-${stage}-${key}`;
}

/** Turn a printed config into the runner's function definitions; errors name the service and function. */
export function parseServiceConfig(
  printed: Obj,
  { serviceDir, stage, importValue, warn = () => {} }: ParseOptions,
): ServiceDefinition {
  const service = serviceName(printed);
  const provider = isObj(printed.provider) ? printed.provider : {};
  const ctx = intrinsicContext(printed, stage, importValue);
  const providerEnv = isObj(provider.environment) ? provider.environment : {};
  const providerS3 = isObj(provider.s3) ? provider.s3 : {};
  const httpApi = isObj(provider.httpApi) ? provider.httpApi : {};
  if (httpApi.payload !== undefined && String(httpApi.payload) !== '2.0') {
    throw new ServiceConfigError(
      `${service}: provider.httpApi.payload ${String(httpApi.payload)} is not supported offline (only 2.0)`,
    );
  }
  const standIns: ServiceDefinition['standIns'] = [];
  const functions: FunctionDefinition[] = [];

  for (const [key, raw] of Object.entries(isObj(printed.functions) ? printed.functions : {})) {
    const where = `${service}: function ${key}`;
    if (!isObj(raw)) throw new ServiceConfigError(`${where} is not an object`);
    if (typeof raw.handler !== 'string' || !/^[^.]+(\/[^/]+)*\.[A-Za-z_$][\w$]*$/.test(raw.handler)) {
      throw new ServiceConfigError(
        `${where}: handler must look like "src/handlers/file.exportName", got ${JSON.stringify(raw.handler)}`,
      );
    }
    const name = deployedName(service, stage, key, raw);
    const environment: Record<string, string> = {};
    const fnEnv = isObj(raw.environment) ? raw.environment : {};
    for (const [variable, value] of Object.entries({ ...providerEnv, ...fnEnv })) {
      if (!/^[a-zA-Z]\w+$/.test(variable))
        throw new ServiceConfigError(`${where}: environment variable name "${variable}" is not valid for Lambda`);
      if (RESERVED_ENV.has(variable))
        throw new ServiceConfigError(`${where}: environment variable ${variable} is reserved by Lambda`);
      try {
        environment[variable] = resolveEnvironmentValue(value, ctx);
      } catch (error) {
        if (error instanceof IntrinsicError)
          throw new ServiceConfigError(`${where}: environment ${variable}: ${error.message}`);
        throw error;
      }
      if (isIntrinsic(value))
        standIns.push({ functionName: name, variable, value: environment[variable]!, from: describeIntrinsic(value) });
    }

    const events: FunctionDefinition['events'] = { s3: [], httpApi: [], eventBridge: [], schedule: [] };
    for (const [index, event] of (Array.isArray(raw.events) ? raw.events : []).entries()) {
      if (!isObj(event)) throw new ServiceConfigError(`${where}: events[${index}] is not an object`);
      const [type, spec] = Object.entries(event)[0] ?? [];
      const at = `${where}: events[${index}].${type}`;
      if (type === 's3') events.s3.push(parseS3(spec, providerS3, ctx, at));
      else if (type === 'httpApi') events.httpApi.push(parseHttpApi(spec, at));
      else if (type === 'eventBridge') {
        const source = parseEventBridge(spec, ctx, at);
        if (source === 'schedule')
          warn(`${at}: scheduled rules are not triggered by the local runner (invoke ${name} by hand)`);
        else if (source === 'disabled') warn(`${at}: rule is disabled (enabled: false), not delivered`);
        else events.eventBridge.push(source);
      } else if (type === 'schedule') {
        const schedule = parseSchedule(spec, at);
        if (typeof schedule === 'string') warn(schedule);
        else events.schedule.push(...schedule);
      } else warn(`${at}: event type "${type}" is not delivered by the local runner`);
    }

    functions.push({
      service,
      serviceDir,
      key,
      name,
      handler: raw.handler,
      runtime: String(raw.runtime ?? provider.runtime ?? 'nodejs22.x'),
      timeoutSeconds: Number(raw.timeout ?? provider.timeout ?? 6),
      memorySize: Number(raw.memorySize ?? provider.memorySize ?? 1024),
      environment,
      events,
    });
  }

  const custom = isObj(printed.custom) ? printed.custom : {};
  return {
    service,
    serviceDir,
    stage,
    region: ctx.region,
    functions,
    cors: parseCors(httpApi.cors, functions, service),
    esbuild: isObj(custom.esbuild) ? custom.esbuild : {},
    standIns,
  };
}

function stringOrIntrinsic(value: unknown, ctx: IntrinsicContext, at: string): string {
  try {
    return resolveEnvironmentValue(value, ctx);
  } catch (error) {
    throw new ServiceConfigError(`${at}: ${(error as Error).message}`);
  }
}

function parseS3(spec: unknown, providerS3: Obj, ctx: IntrinsicContext, at: string): S3EventSource {
  const obj: Obj = isObj(spec) ? spec : { bucket: spec };
  let bucket = stringOrIntrinsic(obj.bucket, ctx, `${at}.bucket`);
  // `bucket` may name a provider.s3 entry whose `name` is the real bucket (serverless semantics).
  const aliased = providerS3[bucket];
  if (isObj(aliased) && typeof aliased.name === 'string') bucket = aliased.name;
  const event = obj.event === undefined ? 's3:ObjectCreated:*' : String(obj.event);
  if (!/^s3:[A-Za-z]+:(\*|[A-Za-z]+)$/.test(event) && !/^s3:[A-Za-z]+$/.test(event)) {
    throw new ServiceConfigError(`${at}.event "${event}" is not an S3 event type like s3:ObjectCreated:*`);
  }
  const source: S3EventSource = { bucket, event, existing: obj.existing === true };
  for (const [i, rule] of (Array.isArray(obj.rules) ? obj.rules : []).entries()) {
    if (!isObj(rule)) throw new ServiceConfigError(`${at}.rules[${i}] must be {prefix: ...} or {suffix: ...}`);
    for (const [name, value] of Object.entries(rule)) {
      if (name !== 'prefix' && name !== 'suffix')
        throw new ServiceConfigError(`${at}.rules[${i}]: unknown rule "${name}"`);
      if (source[name] !== undefined) throw new ServiceConfigError(`${at}: more than one ${name} rule (S3 allows one)`);
      source[name] = stringOrIntrinsic(value, ctx, `${at}.rules[${i}].${name}`);
    }
  }
  return source;
}

const HTTP_METHODS = new Set(['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'DELETE']);

function parseHttpApi(spec: unknown, at: string): HttpApiRoute {
  let method: string | undefined;
  let routePath: string;
  if (isObj(spec)) {
    method = spec.method === undefined ? undefined : String(spec.method);
    routePath = String(spec.path);
  } else if (String(spec) === '*') {
    routePath = '*';
  } else {
    const match = /^(\S+) (\/\S*)$/.exec(String(spec));
    if (!match) throw new ServiceConfigError(`${at}: "${String(spec)}" is not "METHOD /path" or "*"`);
    [, method, routePath] = match as unknown as [string, string, string];
  }
  if (routePath === '*') return { routeKey: '$default' };
  const m = method === undefined ? undefined : method === '*' ? 'ANY' : method.toUpperCase();
  if (!m || !HTTP_METHODS.has(m))
    throw new ServiceConfigError(`${at}: method ${JSON.stringify(method)} is not an HTTP method`);
  if (!routePath.startsWith('/')) throw new ServiceConfigError(`${at}: path "${routePath}" must start with /`);
  return { routeKey: `${m} ${routePath}` };
}

function parseEventBridge(
  spec: unknown,
  ctx: IntrinsicContext,
  at: string,
): EventBridgeSource | 'schedule' | 'disabled' {
  if (!isObj(spec)) throw new ServiceConfigError(`${at} must be an object with a pattern`);
  if (spec.enabled === false) return 'disabled';
  if (spec.schedule !== undefined && spec.pattern === undefined) return 'schedule';
  if (!isObj(spec.pattern)) throw new ServiceConfigError(`${at}: pattern must be an object`);
  const bus = spec.eventBus === undefined ? 'default' : stringOrIntrinsic(spec.eventBus, ctx, `${at}.eventBus`);
  const source: EventBridgeSource = { eventBus: busName(bus), pattern: spec.pattern };
  if (spec.input !== undefined) source.input = spec.input;
  if (spec.inputPath !== undefined) source.inputPath = String(spec.inputPath);
  if (spec.inputTransformer !== undefined) {
    throw new ServiceConfigError(
      `${at}: inputTransformer is not supported by the local runner (use input or inputPath)`,
    );
  }
  return source;
}

const RATE_UNITS_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * A `schedule` event (`rate(1 day)`, or `{rate: ..., enabled}` with one expression or a list):
 * the `rate(...)` expressions the runner triggers, or a warning saying why it will not.
 */
export function parseSchedule(spec: unknown, at: string): ScheduleSource[] | string {
  const obj = isObj(spec) ? spec : { rate: spec };
  if (obj.enabled === false) return `${at}: schedule is disabled (enabled: false), not triggered`;
  const expressions = (Array.isArray(obj.rate) ? obj.rate : [obj.rate]).map(String);
  const out: ScheduleSource[] = [];
  for (const expression of expressions) {
    const m = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
    if (!m || Number(m[1]) < 1)
      return `${at}: "${expression}" is not triggered by the local runner (only rate(N minute|hour|day) is)`;
    out.push({ expression, everyMs: Number(m[1]) * RATE_UNITS_MS[m[2]!]! });
  }
  return out;
}

/** `arn:aws:events:us-east-1:000000000000:event-bus/my-bus` → `my-bus`. */
export function busName(bus: string): string {
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(bus);
  return match ? match[1]! : bus;
}

const DEFAULT_CORS_HEADERS = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
  'X-Amzn-Trace-Id',
];

/** provider.httpApi.cors → the API's CorsConfiguration, filled in the way osls fills it. */
function parseCors(cors: unknown, functions: FunctionDefinition[], service: string): HttpApiCors | undefined {
  if (!cors) return undefined;
  const user: Obj = isObj(cors) ? cors : {};
  if (cors !== true && !isObj(cors))
    throw new ServiceConfigError(`${service}: provider.httpApi.cors must be true or an object`);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : [String(v)]);
  let allowedMethods: string[];
  if (cors !== true && user.allowedMethods !== undefined) allowedMethods = list(user.allowedMethods);
  else {
    const methods = new Set(['OPTIONS']);
    for (const fn of functions) {
      for (const { routeKey } of fn.events.httpApi) {
        const method = routeKey === '$default' ? 'ANY' : routeKey.split(' ')[0]!;
        if (method !== 'ANY') methods.add(method);
        else for (const m of HTTP_METHODS) if (m !== 'ANY') methods.add(m);
      }
    }
    allowedMethods = [...methods];
  }
  return {
    allowedOrigins: user.allowedOrigins !== undefined ? list(user.allowedOrigins) : ['*'],
    allowedHeaders: user.allowedHeaders !== undefined ? list(user.allowedHeaders) : DEFAULT_CORS_HEADERS,
    allowedMethods,
    allowCredentials: user.allowCredentials === true,
    exposedResponseHeaders: user.exposedResponseHeaders !== undefined ? list(user.exposedResponseHeaders) : [],
    ...(user.maxAge !== undefined ? { maxAge: Number(user.maxAge) } : {}),
  };
}

/** Print and parse several services at once (in parallel); Fn::ImportValue resolves across them. */
export async function resolveServices(
  dirs: string[],
  options: PrintOptions & { warn?: (m: string) => void },
): Promise<ServiceDefinition[]> {
  const serviceDirs = dirs.map((d) => path.resolve(d));
  const printed = await Promise.all(serviceDirs.map((dir) => printServiceConfigCached(dir, options)));
  const exported: Record<string, string> = Object.assign({}, ...printed.map((p) => exportsOf(p, options.stage)));
  const services = printed.map((p, i) =>
    parseServiceConfig(p, {
      serviceDir: serviceDirs[i]!,
      stage: options.stage,
      importValue: (n) => exported[n],
      warn: options.warn,
    }),
  );
  const seen = new Map<string, string>();
  for (const fn of services.flatMap((s) => s.functions)) {
    const other = seen.get(fn.name);
    if (other) throw new ServiceConfigError(`function name ${fn.name} is declared by both ${other} and ${fn.service}`);
    seen.set(fn.name, fn.service);
  }
  return services;
}
