/**
 * POST /invocations bodies → model inputs, by Content-Type (parameters such as charset ignored):
 *   application/json                       {"instances": [image, ...]} or one image / a batch
 *   text/csv                               one image of 784 values per row
 *   application/x-image, image/png, image/jpeg   one PNG or JPEG (format found from its bytes)
 * An image is charged to the request decode budget (MAX_REQUEST_DECODE_COST) from its header first.
 */
import { INVOCATION_CONTENT_TYPES } from '@digits/common';
import { DecodeBudget, DigitInputError, normaliseImage, normaliseJsonBody, parseCsvPixels } from '@digits/normalise';

export type InvocationContentType = (typeof INVOCATION_CONTENT_TYPES)[number];

export function parseContentType(header: string | undefined): InvocationContentType {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if ((INVOCATION_CONTENT_TYPES as readonly string[]).includes(type)) return type as InvocationContentType;
  const accepted = INVOCATION_CONTENT_TYPES.join(', ');
  throw new DigitInputError(
    'UNSUPPORTED_MEDIA',
    type
      ? `Content-Type ${type} is not supported: send one of ${accepted}`
      : `Content-Type is missing: send one of ${accepted}`,
  );
}

export function parseInvocation(contentType: InvocationContentType, body: Buffer): Float32Array[] {
  if (body.length === 0) throw new DigitInputError('EMPTY', 'request body is empty');
  switch (contentType) {
    case 'application/json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new DigitInputError('BAD_REQUEST', `malformed JSON: ${(e as Error).message}`);
      }
      return normaliseJsonBody(parsed);
    }
    case 'text/csv':
      return parseCsvPixels(body.toString('utf8'));
    default:
      // One image a request, charged to the same decode budget as the API's batches first.
      new DecodeBudget().admit(body);
      return [normaliseImage(body).pixels];
  }
}
