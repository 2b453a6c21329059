import { MAX_BATCH } from '@digits/common';
import { DigitInputError } from '@digits/normalise';
import { decodeImageString } from './image-string';
import type { DigitInput } from './input';

const FORMS = '{"image": "<base64 or data: URL>"}, {"pixels": [784 values or 28×28]} or {"instances": [...]}';

/**
 * The JSON forms of `POST /predict`:
 *   {"image": "<base64 or data: URL>"}            one PNG/JPEG
 *   {"pixels": [...]}                             784 values or 28 rows of 28 (0..1 or 0..255)
 *   {"instances": [item, ...]}                    a batch of up to MAX_BATCH items, each an image
 *                                                 string, a pixel array, or {"image"}/{"pixels"}
 */
export function parseJsonBody(text: string): { inputs: DigitInput[]; batch: boolean } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DigitInputError('BAD_REQUEST', `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new DigitInputError('BAD_REQUEST', `expected a JSON object: ${FORMS}`);
  }
  const obj = doc as Record<string, unknown>;
  if ('instances' in obj) {
    const instances = obj.instances;
    if (!Array.isArray(instances)) throw new DigitInputError('BAD_REQUEST', '"instances" must be an array');
    if (instances.length === 0)
      throw new DigitInputError('EMPTY', '"instances" is empty: send 1 to ' + MAX_BATCH + ' items');
    if (instances.length > MAX_BATCH) {
      throw new DigitInputError(
        'TOO_LARGE',
        `"instances" has ${instances.length} items: the limit is ${MAX_BATCH} a request`,
      );
    }
    return { inputs: instances.map((item, i) => instanceInput(item, `instances[${i}]`)), batch: true };
  }
  return { inputs: [objectInput(obj, 'body')], batch: false };
}

function objectInput(obj: Record<string, unknown>, where: string): DigitInput {
  if ('image' in obj) {
    if (typeof obj.image !== 'string')
      throw new DigitInputError('BAD_REQUEST', `${where}: "image" must be a base64 string or data: URL`);
    return { kind: 'image', bytes: decodeImageString(obj.image, `${where}.image`) };
  }
  if ('pixels' in obj) {
    if (!Array.isArray(obj.pixels))
      throw new DigitInputError('BAD_PIXELS', `${where}: "pixels" must be an array of 784 numbers or 28 rows of 28`);
    return { kind: 'pixels', values: obj.pixels };
  }
  const keys = Object.keys(obj);
  throw new DigitInputError(
    'BAD_REQUEST',
    `${where}: expected ${FORMS}${keys.length ? `; got keys ${keys.map((k) => `"${k}"`).join(', ')}` : ''}`,
  );
}

function instanceInput(item: unknown, where: string): DigitInput {
  if (typeof item === 'string') return { kind: 'image', bytes: decodeImageString(item, where) };
  if (Array.isArray(item)) return { kind: 'pixels', values: item };
  if (typeof item === 'object' && item !== null) return objectInput(item as Record<string, unknown>, where);
  throw new DigitInputError(
    'BAD_REQUEST',
    `${where}: expected an image string, a pixel array, or {"image"}/{"pixels"}`,
  );
}
