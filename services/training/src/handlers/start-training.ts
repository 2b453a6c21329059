import { functionTelemetry, lambdaFunction } from '@digits/lambda-kit';
import { readStartTrainingConfig } from '../config';
import { onStartTraining, type ManifestEventResult } from '../invocations';
import { recordStartOutcome } from '../outcome-metrics';
import { createServices } from '../services';
import type { StartTrainingResult } from '../start-training';

const services = createServices(readStartTrainingConfig());
const { metrics } = functionTelemetry('training');

/** S3 ObjectCreated <dataset>/<version>/manifest.json on the processed bucket, or by hand {dataset, version, hyperparameters?}. */
export const handler = lambdaFunction<unknown, StartTrainingResult | ManifestEventResult>(
  services.logger,
  'async',
).handler(async (event) => {
  const result = await onStartTraining(event, services);
  recordStartOutcome(metrics, result);
  return result;
});
