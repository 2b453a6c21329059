import { lambdaFunction } from '@digits/lambda-kit';
import type { DriftReport } from '@digits/common';
import { readConfig } from '../config';
import { driftWindow, runDrift } from '../drift/run-drift';
import { createServices } from '../services';

const services = createServices(readConfig());

/** Daily (schedule) or on demand (`sls invoke -f drift`, `pnpm drift`): captures vs the training set. */
export const handler = lambdaFunction<unknown, DriftReport>(services.logger, 'async').handler((event) =>
  runDrift(services, driftWindow(event, services.now(), services.config.windowHours)),
);
