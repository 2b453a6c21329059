import { lambdaFunction } from '@digits/lambda-kit';
import { readRollbackConfig } from '../config';
import { onRollback } from '../invocations';
import type { RollbackResult } from '../rollback';
import { createServices } from '../services';

const services = createServices(readRollbackConfig());

/** Invoked by hand, {} or {"trainingJobName"}: the caller sees every error. */
export const handler = lambdaFunction<unknown, RollbackResult>(services.logger, 'sync').handler((event) =>
  onRollback(event, services),
);
