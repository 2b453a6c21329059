import type { S3Event } from '@digits/common';
import { lambdaFunction, type ItemFailure } from '@digits/lambda-kit';
import { readConfig } from '../config';
import { onRawObjectsCreated, type OutcomeSummary } from '../invocations';
import { createServices } from '../services';

const services = createServices(readConfig());

/** S3 ObjectCreated on the raw bucket's datasets/ prefix. */
export const handler = lambdaFunction<S3Event, { outcomes: OutcomeSummary[]; failed: ItemFailure[] }>(
  services.logger,
  'async',
).handler((event) => onRawObjectsCreated(event, services));
