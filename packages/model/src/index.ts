export * from './serve';
export { initBackend, backendDetails, type BackendDetails } from './backend';
export { saveModel, loadModel, ModelFilesError, MODEL_JSON_FILE, WEIGHTS_FILE } from './model-files';
export {
  runTraining,
  trainMain,
  TrainingInputError,
  DEFAULT_TRAINING_CONFIG,
  type TrainingConfig,
  type TrainingOptions,
  type TrainingResult,
} from './train';
