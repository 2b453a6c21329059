import type { EndpointStateChangeEvent } from '@digits/common';
import { lambdaFunction } from '@digits/lambda-kit';
import { readConfirmDeploymentConfig } from '../config';
import type { ConfirmOutcome } from '../confirm-deployment';
import { onEndpointStateChange } from '../invocations';
import { createServices } from '../services';

const services = createServices(readConfirmDeploymentConfig());

/** EventBridge "SageMaker Endpoint State Change" of the stage's endpoint. */
export const handler = lambdaFunction<EndpointStateChangeEvent, ConfirmOutcome>(services.logger, 'async').handler(
  (event) => onEndpointStateChange(event, services),
);
