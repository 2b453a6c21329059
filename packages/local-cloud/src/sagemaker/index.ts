export { startLocalSageMaker, type LocalSageMaker, type LocalSageMakerOptions } from './local-sagemaker';
export { ENDPOINT_STATE_CHANGE, type SageMakerEvent } from './state-change-events';
export type { LogLine } from './context';
export { MetricCapture, type MetricDefinition, type MetricDatum } from './metrics';
