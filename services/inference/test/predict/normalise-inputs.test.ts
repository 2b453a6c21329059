import type { DigitInput } from '../../src/predict/input';
import { normaliseInputs } from '../../src/predict/normalise-inputs';
import { oneLine, pngBytes } from '../support/hostile-images';

/** A PNG that declares 2800×2800 but holds no image data: decoding it would fail as UNDECODABLE. */
const headerOnly = pngBytes({ width: 2800, height: 2800, raw: Buffer.alloc(0) }).subarray(0, 33);
const image = (bytes: Uint8Array): DigitInput => ({ kind: 'image', bytes });

describe('normaliseInputs: the request decode budget', () => {
  it('refuses a batch whose images declare more pixels than the budget, before decoding any of them', () => {
    // Each 2800×2800 passes the per-image limit; together they are over the request's budget.
    const inputs = Array.from({ length: 163 }, () => image(headerOnly));
    expect(() => normaliseInputs(inputs, true)).toThrow(
      expect.objectContaining({
        status: 413,
        code: 'TOO_LARGE',
        message: expect.stringMatching(/^instances\[4\]: .*limit is 600 M a request/),
      }),
    );
  });

  it('still names the image whose header is bad, before anything is decoded', () => {
    const inputs = [image(pngBytes({ width: 28, height: 28 })), image(Buffer.from('GIF89a'))];
    expect(() => normaliseInputs(inputs, true)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/^instances\[1\]: GIF/) }),
    );
  });

  it('normalises a full batch of 256 images of 280×280 (within the budget)', () => {
    const png = pngBytes({ width: 280, height: 280, raw: oneLine({ width: 280, height: 280 }) });
    const out = normaliseInputs(
      Array.from({ length: 256 }, () => image(png)),
      true,
    );
    expect(out).toHaveLength(256);
    expect(out[255]!.source).toEqual({ width: 280, height: 280, inverted: true });
  });
});
