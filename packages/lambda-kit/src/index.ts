export * from './batch';
export * from './config';
export * from './errors';
export * from './lambda-function';
export * from './logger';
export * from './middlewares';
export * from './s3-event';
export * from './telemetry';
