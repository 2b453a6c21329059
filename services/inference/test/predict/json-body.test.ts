import { MAX_BATCH } from '@digits/common';
import { DigitInputError } from '@digits/normalise';
import { parseJsonBody } from '../../src/predict/json-body';

const png = Buffer.from('89504e470d0a1a0a', 'hex');
const pixels = Array(784).fill(0);

function refusal(text: string): DigitInputError {
  try {
    parseJsonBody(text);
  } catch (e) {
    return e as DigitInputError;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonBody', () => {
  it('reads {"image"} as one image', () => {
    const { inputs, batch } = parseJsonBody(JSON.stringify({ image: png.toString('base64') }));
    expect(batch).toBe(false);
    expect(inputs).toEqual([{ kind: 'image', bytes: png }]);
  });

  it('reads {"pixels"} as one pixel array, left for the normaliser to check', () => {
    expect(parseJsonBody(JSON.stringify({ pixels }))).toEqual({
      inputs: [{ kind: 'pixels', values: pixels }],
      batch: false,
    });
  });

  it('reads {"instances"} of every item form as a batch, in order', () => {
    const doc = {
      instances: [
        png.toString('base64'),
        pixels,
        { image: `data:image/png;base64,${png.toString('base64')}` },
        { pixels },
      ],
    };
    const { inputs, batch } = parseJsonBody(JSON.stringify(doc));
    expect(batch).toBe(true);
    expect(inputs.map((i) => i.kind)).toEqual(['image', 'pixels', 'image', 'pixels']);
  });

  it('accepts exactly MAX_BATCH instances', () => {
    expect(parseJsonBody(JSON.stringify({ instances: Array(MAX_BATCH).fill(pixels) })).inputs).toHaveLength(MAX_BATCH);
  });

  it.each([
    ['invalid JSON', '{"image": ', 'BAD_REQUEST', /not valid JSON/],
    ['a JSON array', '[1,2]', 'BAD_REQUEST', /expected a JSON object/],
    ['an object without a known key', '{"img": "x"}', 'BAD_REQUEST', /got keys "img"/],
    ['a non-string image', '{"image": 5}', 'BAD_REQUEST', /"image" must be a base64 string/],
    ['non-array pixels', '{"pixels": "0,0,0"}', 'BAD_PIXELS', /"pixels" must be an array/],
    ['non-array instances', '{"instances": {}}', 'BAD_REQUEST', /"instances" must be an array/],
    ['empty instances', '{"instances": []}', 'EMPTY', /"instances" is empty/],
    [
      'too many instances',
      JSON.stringify({ instances: Array(MAX_BATCH + 1).fill('') }),
      'TOO_LARGE',
      new RegExp(`the limit is ${MAX_BATCH}`),
    ],
    ['a bad instance, naming it', JSON.stringify({ instances: [pixels, 42] }), 'BAD_REQUEST', /^instances\[1\]: /],
    [
      'bad base64 in an instance, naming it',
      JSON.stringify({ instances: ['@@@'] }),
      'UNDECODABLE',
      /^instances\[0\]: not valid base64/,
    ],
  ])('refuses %s', (_what, text, code, message) => {
    const e = refusal(text);
    expect(e.code).toBe(code);
    expect(e.status).toBe(code === 'TOO_LARGE' ? 413 : 400);
    expect(e.message).toMatch(message);
  });
});
