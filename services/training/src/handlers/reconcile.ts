import { lambdaFunction } from '@digits/lambda-kit';
import { readReconcileConfig } from '../config';
import { reconcile, type ReconcileResult } from '../reconcile';
import { createServices } from '../services';

const services = createServices(readReconcileConfig());

/** Hourly (EventBridge schedule), or by hand with any input: start missing training attempts, repair live.json. */
export const handler = lambdaFunction<unknown, ReconcileResult>(services.logger, 'async').handler(() =>
  reconcile(services),
);
