import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpEvent } from '@digits/test-kit';

/** A POST /feedback as API Gateway delivers it: a body of `type`, the fields in the query string if given. */
export const postFeedbackEvent = (
  body: Uint8Array | string,
  type: string,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 =>
  httpEvent({
    method: 'POST',
    path: '/feedback',
    headers: { 'content-type': type },
    body,
    ...(query ? { query } : {}),
  });
