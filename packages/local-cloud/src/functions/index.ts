export { startFunctions, type StartFunctionsOptions, type LocalFunctions, type FunctionSummary } from './runner';
export { resolveServices, printServiceConfig, parseServiceConfig, ServiceConfigError } from './service-config';
export { matchesEventPattern, EventPatternError } from './event-pattern';
export { LambdaError } from './lambda-function';
export { FailedEvents, type FailedEventRecord, type FailedEventsSummary, type KeptEvent } from './failed-events';
export { s3NotificationEvent } from './s3-notifications';
export { MetricsFile, summaryLine, totals, type MetricRecord, type MetricTotal } from './metrics-file';
export type { BusEvent, PutEventsEntry } from './eventbridge';
export type {
  FunctionDefinition,
  ServiceDefinition,
  S3EventSource,
  HttpApiRoute,
  EventBridgeSource,
  HttpApiCors,
  ScheduleSource,
} from './types';
