import { DigitInputError } from '@digits/normalise';
import { decodeImageString } from '../../src/predict/image-string';

const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xfb, 0xff, 0xfe]);

function refusal(text: string): DigitInputError {
  try {
    decodeImageString(text, 'image');
  } catch (e) {
    return e as DigitInputError;
  }
  throw new Error('expected a refusal');
}

describe('decodeImageString', () => {
  it.each([
    ['bare base64', bytes.toString('base64')],
    ['URL-safe base64', bytes.toString('base64url')],
    ['base64 wrapped over lines', bytes.toString('base64').replace(/(.{4})/g, '$1\n')],
    ['a PNG data URL (canvas.toDataURL)', `data:image/png;base64,${bytes.toString('base64')}`],
    ['a JPEG data URL with parameters', `data:image/jpeg;name=x.jpg;base64,${bytes.toString('base64')}`],
  ])('decodes %s', (_what, text) => {
    expect(Buffer.from(decodeImageString(text, 'image'))).toEqual(bytes);
  });

  it.each([
    ['text that is not base64', 'not base64!', 'UNDECODABLE', /image: not valid base64/],
    ['an impossible base64 length', 'AAAAA', 'UNDECODABLE', /not valid base64/],
    ['an empty string', '', 'EMPTY', /image: the image is empty/],
    ['a data URL that is not base64', 'data:image/png,%89PNG', 'UNDECODABLE', /must be base64-encoded/],
    ['a GIF data URL', 'data:image/gif;base64,R0lGODlh', 'UNSUPPORTED_MEDIA', /image\/gif is not supported/],
    ['a malformed data URL', 'data:image/png;base64', 'UNDECODABLE', /malformed data URL/],
  ])('refuses %s', (_what, text, code, message) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(DigitInputError);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});
