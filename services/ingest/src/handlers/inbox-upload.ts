import type { S3Event } from '@digits/common';
import { lambdaFunction, type Settled } from '@digits/lambda-kit';
import { readInboxConfig } from '../config';
import { onInboxUpload } from '../invocations';
import type { InboxOutcome } from '../process-inbox-upload';
import { createServices } from '../services';

const services = createServices(readInboxConfig());

/** S3 ObjectCreated:* on the inbox bucket, prefix inbox/. */
export const handler = lambdaFunction<S3Event, Settled<InboxOutcome>>(services.logger, 'async').handler((event) =>
  onInboxUpload(event, services),
);
