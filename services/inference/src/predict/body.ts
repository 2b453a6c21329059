import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DigitInputError } from '@digits/normalise';

/** Lambda's synchronous invocation payload limit: the whole event, the body inside it. */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
/**
 * Largest request body the API accepts: 4 MiB. API Gateway hands a binary body to the function
 * base64-encoded (4/3 larger) inside the event: 4 MiB becomes 5.33 MiB and leaves 0.67 MiB for
 * headers and request context under LAMBDA_PAYLOAD_BYTES. Above ~4.4 MiB a binary body cannot
 * reach the function at all, so a higher limit here could never be answered with our JSON 413.
 */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The request body as bytes. HTTP API (payload 2.0) delivers binary bodies base64-encoded with
 * isBase64Encoded, text bodies (JSON) as they came. The size is checked before decoding.
 */
export function bodyBytes(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  limit = MAX_REQUEST_BODY_BYTES,
): Buffer {
  const body = event.body ?? '';
  const size = event.isBase64Encoded ? base64Length(body) : Buffer.byteLength(body);
  if (size > limit) {
    throw new DigitInputError(
      'TOO_LARGE',
      `the request body is ${size} bytes: the limit is ${limit} bytes (${limit / 1024 / 1024} MiB)`,
    );
  }
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length === 0)
    throw new DigitInputError(
      'EMPTY',
      'the request body is empty: send an image, or JSON with "image", "pixels" or "instances"',
    );
  return bytes;
}

/** Decoded size of a base64 string, without decoding it. */
function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

/** The media type of a Content-Type header, lower-cased and without parameters ("" when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
