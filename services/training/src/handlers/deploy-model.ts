import type { TrainingJobStateChangeEvent } from '@digits/common';
import { functionTelemetry, lambdaFunction } from '@digits/lambda-kit';
import { readDeployConfig } from '../config';
import type { DeployOutcome } from '../deploy-model';
import { onTrainingStateChange } from '../invocations';
import { recordDeployOutcome } from '../outcome-metrics';
import { createServices } from '../services';

const services = createServices(readDeployConfig());
const { metrics } = functionTelemetry('training');

/** EventBridge "SageMaker Training Job State Change" of this stage's jobs reaching a final state. */
export const handler = lambdaFunction<TrainingJobStateChangeEvent, DeployOutcome>(services.logger, 'async').handler(
  async (event) => {
    const outcome = await onTrainingStateChange(event, services);
    recordDeployOutcome(metrics, event, outcome);
    return outcome;
  },
);
