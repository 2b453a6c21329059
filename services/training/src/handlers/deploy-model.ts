import type { TrainingJobStateChangeEvent } from '@digits/common';
import { lambdaFunction } from '@digits/lambda-kit';
import { readDeployConfig } from '../config';
import type { DeployOutcome } from '../deploy-model';
import { onTrainingStateChange } from '../invocations';
import { createServices } from '../services';

const services = createServices(readDeployConfig());

/** EventBridge "SageMaker Training Job State Change" of this stage's jobs reaching a final state. */
export const handler = lambdaFunction<TrainingJobStateChangeEvent, DeployOutcome>(services.logger, 'async').handler(
  (event) => onTrainingStateChange(event, services),
);
