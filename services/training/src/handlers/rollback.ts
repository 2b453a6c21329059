import middy from '@middy/core';
import { loadRollbackSettings } from '../config';
import { onRollback } from '../invocations';
import { awsClients, logFailures, logger, once } from './runtime';

const settings = once(loadRollbackSettings);

export const handler = middy()
  .use(logFailures('rollback'))
  .handler(async (event: unknown) => onRollback(event, { ...awsClients(), settings: settings(), logger }));
