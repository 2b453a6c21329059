import { createFunctionLogger, functionInstrumentation, functionLogging, functionTelemetry } from '@digits/lambda-kit';
import { readConfig } from '../config';
import { createApi } from '../http/app';
import { createClients, createServices } from '../services';

const config = readConfig();
const logger = createFunctionLogger('inference', config.logLevel);
const telemetry = functionTelemetry('inference');

/** The HTTP API's one function: POST /predict, GET /health, GET /model, GET / (the page) (see src/routes.ts). */
export const handler = createApi(
  createServices(
    config,
    createClients((client) => telemetry.traceClient(client)),
    logger,
    telemetry.metrics,
  ),
  [functionLogging(logger), ...functionInstrumentation(telemetry)],
);
