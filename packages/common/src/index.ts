export * from './config';
export * from './keys';
export * from './manifest';
export * from './model-contract';
export * from './clients';
export * from './events';
export * from './logger';
export * from './idx';
