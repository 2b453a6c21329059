/** What the runner knows about each function, read from a service's resolved serverless.yml. */

export interface S3EventSource {
  bucket: string;
  /** As written in serverless.yml, e.g. `s3:ObjectCreated:*` (default) or `s3:ObjectRemoved:Delete`. */
  event: string;
  prefix?: string;
  suffix?: string;
  existing: boolean;
}

export interface HttpApiRoute {
  /** API Gateway route key: `GET /items/{id}`, `ANY /x` or `$default` (serverless `'*'`). */
  routeKey: string;
}

export interface EventBridgeSource {
  /** Bus name (`default` when unset); ARNs are reduced to the name. */
  eventBus: string;
  pattern: Record<string, unknown>;
  /** Constant input delivered instead of the event (serverless `input`). */
  input?: unknown;
  /** JSONPath (`$.detail`, `$.detail.x`) selecting what is delivered (serverless `inputPath`). */
  inputPath?: string;
}

/** A `schedule` event with a `rate(...)` expression (cron expressions are not run locally). */
export interface ScheduleSource {
  expression: string;
  everyMs: number;
}

export interface FunctionEvents {
  s3: S3EventSource[];
  httpApi: HttpApiRoute[];
  eventBridge: EventBridgeSource[];
  schedule: ScheduleSource[];
}

export interface FunctionDefinition {
  service: string;
  serviceDir: string;
  /** Key under `functions:` in serverless.yml. */
  key: string;
  /** Deployed name (`<service>-<stage>-<key>` unless overridden): AWS_LAMBDA_FUNCTION_NAME. */
  name: string;
  /** As written: `src/handlers/predict.handler`. */
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  /** provider.environment merged with function.environment, intrinsics replaced by local stand-ins. */
  environment: Record<string, string>;
  events: FunctionEvents;
}

export interface HttpApiCors {
  allowedOrigins: string[];
  allowedHeaders: string[];
  allowedMethods: string[];
  allowCredentials: boolean;
  exposedResponseHeaders: string[];
  maxAge?: number;
}

export interface ServiceDefinition {
  service: string;
  serviceDir: string;
  stage: string;
  region: string;
  functions: FunctionDefinition[];
  /** provider.httpApi.cors as API Gateway applies it (undefined: no CORS configured). */
  cors?: HttpApiCors;
  /** custom.esbuild (serverless-esbuild options) used to bundle handlers like `sls package` does. */
  esbuild: Record<string, unknown>;
  /** Variables whose values are local stand-ins for CloudFormation intrinsics, for the start-up log. */
  standIns: Array<{ functionName: string; variable: string; value: string; from: string }>;
}
