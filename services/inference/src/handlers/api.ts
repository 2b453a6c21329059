import { readConfig } from '../config';
import { createApi } from '../http/app';
import { createServices } from '../services';

/** The HTTP API's one function: POST /predict, GET /health, GET /model, GET / (the page) (see src/routes.ts). */
export const handler = createApi(createServices(readConfig()));
