import type { S3Event } from '@digits/common';
import { functionTelemetry, lambdaFunction, type Settled } from '@digits/lambda-kit';
import { readInboxConfig } from '../config';
import { onInboxUpload } from '../invocations';
import type { InboxOutcome } from '../process-inbox-upload';
import { recordInboxOutcomes } from '../outcome-metrics';
import { createServices } from '../services';

const services = createServices(readInboxConfig());
const { metrics } = functionTelemetry('ingest');

/** S3 ObjectCreated:* on the inbox bucket, prefix inbox/. */
export const handler = lambdaFunction<S3Event, Settled<InboxOutcome>>(services.logger, 'async').handler(
  async (event) => {
    const settled = await onInboxUpload(event, services);
    recordInboxOutcomes(metrics, settled);
    return settled;
  },
);
