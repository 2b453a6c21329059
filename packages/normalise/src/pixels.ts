/**
 * Pixel arrays sent as JSON or CSV, checked and scaled to the model's 0..1.
 *
 * Shapes: one image is 784 numbers (row-major) or 28 rows of 28; a batch is a list of those.
 * Scale rule, per image: if any value is above 1 the image is read as 0..255 (and divided by
 * 255), otherwise as 0..1. Pass `scale` to fix it instead. Values must be finite numbers in range.
 */
import { IMAGE_SIDE, MAX_BATCH, PIXELS } from '@digits/common';
import { DigitInputError } from './errors';

export type PixelScale = 'auto' | '0..1' | '0..255';

export interface PixelOptions {
  scale?: PixelScale;
  /** Most images accepted (default MAX_BATCH). */
  maxImages?: number;
}

/** One image or a batch, in any of the shapes above. */
export function normalisePixels(values: unknown, options: PixelOptions = {}): Float32Array[] {
  if (!Array.isArray(values))
    throw new DigitInputError('BAD_PIXELS', `pixels must be an array, got ${typeName(values)}`);
  if (values.length === 0) throw new DigitInputError('EMPTY', 'no pixels: the array is empty');
  const first = values[0];
  if (!Array.isArray(first)) return [toImage(values, 'pixels', options)];
  // 28 rows of 28 numbers is one image (a row of the wrong length is then reported as such).
  if (values.length === IMAGE_SIDE && first.length === IMAGE_SIDE && !Array.isArray(first[0])) {
    return [toImage(values, 'pixels', options)];
  }
  return normaliseBatch(values, 'pixels', options);
}

/**
 * A JSON request body: {"instances": [image, ...]} (SageMaker's JSON convention) or a bare
 * image/batch as in normalisePixels.
 */
export function normaliseJsonBody(body: unknown, options: PixelOptions = {}): Float32Array[] {
  if (Array.isArray(body)) return normalisePixels(body, options);
  if (typeof body === 'object' && body !== null && 'instances' in body) {
    const instances = (body as { instances: unknown }).instances;
    if (!Array.isArray(instances))
      throw new DigitInputError('BAD_REQUEST', `"instances" must be a list of images, got ${typeName(instances)}`);
    return normaliseBatch(instances, 'instances', options);
  }
  throw new DigitInputError(
    'BAD_REQUEST',
    'JSON body must be {"instances": [[784 numbers], ...]} or an array of pixels',
  );
}

/** text/csv: one image of 784 comma-separated values per row; blank lines are skipped. */
export function parseCsvPixels(text: string, options: PixelOptions = {}): Float32Array[] {
  const lines = text.split(/\r?\n/);
  const rows: unknown[][] = [];
  const maxImages = options.maxImages ?? MAX_BATCH;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!.trim();
    if (line === '') continue;
    if (rows.length === maxImages) throw tooMany(maxImages, 'rows');
    const fields = line.split(',');
    if (fields.length !== PIXELS) {
      const hint = fields.length === PIXELS + 1 ? ' (drop the label column)' : '';
      throw new DigitInputError(
        'BAD_PIXELS',
        `CSV line ${l + 1} has ${fields.length} values, expected ${PIXELS} (28×28)${hint}`,
      );
    }
    rows.push(
      fields.map((f, c) => {
        const s = f.trim();
        const v = s === '' ? NaN : Number(s);
        if (!Number.isFinite(v))
          throw new DigitInputError(
            'BAD_PIXELS',
            `CSV line ${l + 1}, column ${c + 1}: ${JSON.stringify(s)} is not a number`,
          );
        return v;
      }),
    );
  }
  if (rows.length === 0) throw new DigitInputError('EMPTY', 'CSV body has no rows');
  return rows.map((row, i) => toImage(row, `CSV line ${i + 1}`, options));
}

function normaliseBatch(images: unknown[], label: string, options: PixelOptions): Float32Array[] {
  const maxImages = options.maxImages ?? MAX_BATCH;
  if (images.length === 0) throw new DigitInputError('EMPTY', `${label} is empty: send at least one image`);
  if (!Array.isArray(images[0])) {
    throw new DigitInputError(
      'BAD_PIXELS',
      `${label}[0] must be an array (an image of ${PIXELS} numbers or 28 rows of 28), got ${typeName(images[0])}: ${label} is a list of images`,
    );
  }
  if (images.length > maxImages) throw tooMany(maxImages, 'images', images.length);
  return images.map((image, i) => {
    const where = `${label}[${i}]`;
    if (!Array.isArray(image))
      throw new DigitInputError(
        'BAD_PIXELS',
        `${where} must be an array of ${PIXELS} numbers or 28 rows of 28, got ${typeName(image)}`,
      );
    return toImage(image, where, options);
  });
}

/** One image, flat (784) or nested (28×28), checked and scaled to 0..1. */
function toImage(image: unknown[], where: string, options: PixelOptions): Float32Array {
  const out = new Float32Array(PIXELS);
  if (image.length === IMAGE_SIDE && Array.isArray(image[0])) {
    for (let r = 0; r < IMAGE_SIDE; r++) {
      const row = image[r];
      if (!Array.isArray(row) || row.length !== IMAGE_SIDE) {
        throw new DigitInputError(
          'BAD_PIXELS',
          `${where}[${r}] must be a row of ${IMAGE_SIDE} numbers, got ${Array.isArray(row) ? `${row.length} values` : typeName(row)}`,
        );
      }
      for (let c = 0; c < IMAGE_SIDE; c++) out[r * IMAGE_SIDE + c] = checkNumber(row[c], `${where}[${r}][${c}]`);
    }
  } else {
    if (image.length !== PIXELS) {
      throw new DigitInputError(
        'BAD_PIXELS',
        `${where} has ${image.length} values, expected ${PIXELS} (28×28) or 28 rows of 28`,
      );
    }
    for (let i = 0; i < PIXELS; i++) out[i] = checkNumber(image[i], `${where}[${i}]`);
  }
  return scale(out, where, options.scale ?? 'auto');
}

function checkNumber(v: unknown, where: string): number {
  if (typeof v !== 'number') throw new DigitInputError('BAD_PIXELS', `${where} is ${typeName(v)}, not a number`);
  if (!Number.isFinite(v)) throw new DigitInputError('BAD_PIXELS', `${where} is ${v}, not a finite number`);
  return v;
}

function scale(image: Float32Array, where: string, mode: PixelScale): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  let minAt = 0;
  let maxAt = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (v < min) [min, minAt] = [v, i];
    if (v > max) [max, maxAt] = [v, i];
  }
  const top = mode === '0..255' || (mode === 'auto' && max > 1) ? 255 : 1;
  if (min < 0)
    throw new DigitInputError(
      'BAD_PIXELS',
      `${where}: value ${min} at index ${minAt} is negative (pixels are 0..1 or 0..255)`,
    );
  if (max > top) {
    const expected = mode === '0..1' ? 'pixels are 0..1' : 'pixels are 0..1 or 0..255';
    throw new DigitInputError('BAD_PIXELS', `${where}: value ${max} at index ${maxAt} is above ${top} (${expected})`);
  }
  if (top !== 1) for (let i = 0; i < image.length; i++) image[i]! /= top;
  return image;
}

function tooMany(max: number, what: string, got?: number): DigitInputError {
  return new DigitInputError(
    'TOO_LARGE',
    `${got === undefined ? 'more than' : got} ${what}: at most ${max} per request`,
  );
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `a string (${JSON.stringify(v.slice(0, 20))})` : `a ${typeof v}`;
}
