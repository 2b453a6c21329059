import middy from '@middy/core';
import type { TrainingJobStateChangeEvent } from '@digits/common';
import { loadDeploySettings } from '../config';
import type { DeployOutcome } from '../deploy-model';
import { onTrainingStateChange } from '../invocations';
import { awsClients, logFailures, logger, once } from './runtime';

const settings = once(loadDeploySettings);

export const handler = middy<TrainingJobStateChangeEvent, DeployOutcome>()
  .use(logFailures('deployModel'))
  .handler(async (event: TrainingJobStateChangeEvent) =>
    onTrainingStateChange(event, { ...awsClients(), settings: settings(), logger }),
  );
