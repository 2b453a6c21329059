import { PNG } from 'pngjs';
import { MAX_BATCH } from '@digits/common';
import {
  DigitInputError,
  encodePng,
  normaliseJsonBody,
  normalisePixels,
  parseCsvPixels,
  type DigitInputErrorCode,
} from '../src';

const ramp = (top: number) => Array.from({ length: 784 }, (_, i) => (i % 256) * (top / 255));
const nested = (flat: number[]) => Array.from({ length: 28 }, (_, r) => flat.slice(r * 28, r * 28 + 28));

function thrown(fn: () => unknown): DigitInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DigitInputError) return e;
    throw e;
  }
  throw new Error('expected a DigitInputError');
}

describe('normalisePixels', () => {
  const expected = Float32Array.from(ramp(1));

  it.each([
    ['784 numbers in 0..1', ramp(1)],
    ['784 numbers in 0..255 (any value above 1)', ramp(255)],
    ['28 rows of 28 in 0..1', nested(ramp(1))],
    ['28 rows of 28 in 0..255', nested(ramp(255))],
  ])('reads one image given as %s, scaled to 0..1', (_name, values) => {
    const images = normalisePixels(values);
    expect(images).toHaveLength(1);
    expect(images[0]!).toHaveLength(784);
    images[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('reads a batch of flat and nested images, each scaled on its own', () => {
    const images = normalisePixels([ramp(255), nested(ramp(1)), ramp(1)]);
    expect(images).toHaveLength(3);
    for (const image of images) expect(image[255]).toBeCloseTo(1, 6);
  });

  it('honours an explicit scale', () => {
    const dim = Array(784).fill(1);
    expect(normalisePixels(dim, { scale: '0..255' })[0]![0]).toBeCloseTo(1 / 255, 6);
    expect(thrown(() => normalisePixels(ramp(255), { scale: '0..1' })).message).toMatch(
      /above 1 \(pixels are 0\.\.1\)/,
    );
  });

  const bad: Array<[string, unknown, DigitInputErrorCode, RegExp]> = [
    ['not an array', { pixels: 1 }, 'BAD_PIXELS', /must be an array, got a object/],
    ['an empty array', [], 'EMPTY', /empty/],
    ['783 values', ramp(1).slice(1), 'BAD_PIXELS', /has 783 values, expected 784/],
    [
      'a string among the numbers',
      [...ramp(1).slice(1), '0.5'],
      'BAD_PIXELS',
      /pixels\[783\] is a string \("0.5"\), not a number/,
    ],
    ['null among the numbers', [null, ...ramp(1).slice(1)], 'BAD_PIXELS', /pixels\[0\] is null/],
    ['a negative value', [-0.5, ...ramp(1).slice(1)], 'BAD_PIXELS', /value -0.5 at index 0 is negative/],
    ['a value above 255', [256, ...ramp(1).slice(1)], 'BAD_PIXELS', /value 256 at index 0 is above 255/],
    [
      'a short row in a 28×28 image',
      [...nested(ramp(1)).slice(0, 27), Array(27).fill(0)],
      'BAD_PIXELS',
      /pixels\[27\] must be a row of 28 numbers, got 27 values/,
    ],
    ['a batch with a wrong-length image', [ramp(1), ramp(1).slice(0, 10)], 'BAD_PIXELS', /pixels\[1\] has 10 values/],
    [
      'more images than MAX_BATCH',
      Array.from({ length: MAX_BATCH + 1 }, () => ramp(1)),
      'TOO_LARGE',
      new RegExp(`${MAX_BATCH + 1} images: at most ${MAX_BATCH}`),
    ],
  ];
  it.each(bad)('refuses %s', (_name, values, code, message) => {
    const error = thrown(() => normalisePixels(values));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('normaliseJsonBody', () => {
  it('reads {"instances": [...]} as a list of images', () => {
    expect(normaliseJsonBody({ instances: [ramp(1), nested(ramp(255))] })).toHaveLength(2);
  });

  it('reads a bare image', () => {
    expect(normaliseJsonBody(ramp(1))).toHaveLength(1);
  });

  it.each([
    ['an object without instances', { data: [] }, 'BAD_REQUEST', /\{"instances"/],
    [
      'instances that is not a list',
      { instances: 'x' },
      'BAD_REQUEST',
      /"instances" must be a list of images, got a string/,
    ],
    ['an empty instances list', { instances: [] }, 'EMPTY', /instances is empty/],
    [
      'instances holding one flat image unwrapped',
      { instances: ramp(1) },
      'BAD_PIXELS',
      /instances\[0\] must be an array.*got a number/,
    ],
    ['a NaN-free but wrong image', { instances: [[1, 2, 3]] }, 'BAD_PIXELS', /instances\[0\] has 3 values/],
  ])('refuses %s', (_name, body, code, message) => {
    const error = thrown(() => normaliseJsonBody(body));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('parseCsvPixels', () => {
  it('reads one image per row, skipping blank lines and CRLF', () => {
    const csv = `${ramp(255).join(',')}\r\n\r\n${ramp(1).join(', ')}\n`;
    const images = parseCsvPixels(csv);
    expect(images).toHaveLength(2);
    expect(images[0]![255]).toBeCloseTo(1, 6);
    expect(images[1]![255]).toBeCloseTo(1, 6);
  });

  it.each([
    ['no rows', '\n\n', 'EMPTY', /no rows/],
    [
      'a row with the label column',
      `7,${ramp(255).join(',')}`,
      'BAD_PIXELS',
      /line 1 has 785 values.*drop the label column/,
    ],
    ['NaN', `NaN,${ramp(255).slice(1).join(',')}`, 'BAD_PIXELS', /line 1, column 1: "NaN" is not a number/],
    ['an empty field', `${ramp(255).slice(1).join(',')},`, 'BAD_PIXELS', /column 784: "" is not a number/],
    ['a word', `${ramp(255).join(',')}\nabc`, 'BAD_PIXELS', /line 2 has 1 values/],
    [
      'more rows than MAX_BATCH',
      `${ramp(1).join(',')}\n`.repeat(MAX_BATCH + 1),
      'TOO_LARGE',
      /more than rows: at most/,
    ],
  ])('refuses %s', (_name, csv, code, message) => {
    const error = thrown(() => parseCsvPixels(csv));
    expect(error.code).toBe(code);
    expect(error.status).toBe(code === 'TOO_LARGE' ? 413 : 400);
    expect(error.message).toMatch(message);
  });
});

describe('encodePng', () => {
  it('writes a 28×28 grayscale PNG that decodes back to the pixels', () => {
    const pixels = Float32Array.from(ramp(1));
    const png = PNG.sync.read(Buffer.from(encodePng(pixels)));
    expect([png.width, png.height]).toEqual([28, 28]);
    for (let i = 0; i < 784; i++)
      expect(Math.abs(png.data[i * 4]! / 255 - pixels[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('refuses a pixel count that is not side²', () => {
    expect(() => encodePng(new Float32Array(10))).toThrow(/10 pixels is not 28×28/);
  });
});
