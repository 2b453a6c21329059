import middy from '@middy/core';
import { loadTrainingSettings } from '../config';
import { onStartTraining } from '../invocations';
import { awsClients, logFailures, logger, once } from './runtime';

const settings = once(loadTrainingSettings);

export const handler = middy()
  .use(logFailures('startTraining'))
  .handler(async (event: unknown) => onStartTraining(event, { ...awsClients(), settings: settings(), logger }));
