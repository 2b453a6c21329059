import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DigitInputError } from '@digits/normalise';
import { bodyBytes, mediaType } from './body';
import type { PredictRequest } from './input';
import { parseJsonBody } from './json-body';
import { parseMultipart } from './multipart';

/** Content types whose body is the image itself; the bytes are sniffed (PNG or JPEG) either way. */
const RAW_IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/jpg',
  'application/x-image',
  'application/octet-stream',
]);
const ACCEPTED = 'image/png, image/jpeg, multipart/form-data (field "image") or application/json';

/** Reads a `POST /predict` event (headers already lower-cased) into the digits to classify. */
export async function parsePredictRequest(event: APIGatewayProxyEventV2): Promise<PredictRequest> {
  const contentType = event.headers?.['content-type'];
  const type = mediaType(contentType);
  const debug = isTruthy(event.queryStringParameters?.debug);

  if (type === '') throw new DigitInputError('UNSUPPORTED_MEDIA', `no Content-Type header: send ${ACCEPTED}`);
  if (RAW_IMAGE_TYPES.has(type)) return { inputs: [{ kind: 'image', bytes: bodyBytes(event) }], batch: false, debug };
  if (type === 'multipart/form-data') {
    const inputs = await parseMultipart(bodyBytes(event), contentType!);
    return { inputs, batch: inputs.length > 1, debug };
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    return { ...parseJsonBody(bodyBytes(event).toString('utf8')), debug };
  }
  if (type.startsWith('image/'))
    throw new DigitInputError('UNSUPPORTED_MEDIA', `${type} images are not supported: send image/png or image/jpeg`);
  throw new DigitInputError('UNSUPPORTED_MEDIA', `Content-Type ${type} is not supported: send ${ACCEPTED}`);
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 'yes', ''].includes(v.toLowerCase());
}
