import { DecodeBudget, DECODE_COST, DigitInputError, MAX_REQUEST_DECODE_COST, readImageHeader } from '../src';
import { jpegHeader, pngHeader } from './stroke-canvas';

const c = DECODE_COST;

describe('readImageHeader', () => {
  it('reads format and size of a PNG from its IHDR and charges its layout, without decoding', () => {
    expect(readImageHeader(pngHeader(280, 140, 0, 16))).toEqual({
      format: 'png',
      width: 280,
      height: 140,
      cost: 280 * 140 * (c.pngPixel + 2 * c.pngPixelByte),
    });
    // RGBA 8-bit (the page's canvas): 4 bytes a pixel, and it may be translucent.
    expect(readImageHeader(pngHeader(280, 280, 0, 8, 6)).cost).toBe(
      280 * 280 * (c.pngPixel + 4 * c.pngPixelByte + c.pngAlpha),
    );
    // 1-bit grey is charged as one byte a pixel; Adam7 interlacing costs half as much again.
    expect(readImageHeader(pngHeader(100, 100, 0, 1)).cost).toBe(100 * 100 * (c.pngPixel + c.pngPixelByte));
    expect(readImageHeader(pngHeader(100, 100, 1, 8)).cost).toBe(
      100 * 100 * (c.pngPixel + c.pngPixelByte) * c.pngInterlaced,
    );
  });

  it('charges a grey or RGB PNG with a tRNS chunk as one that may be translucent', () => {
    const trns = Buffer.from([0, 0, 0, 2, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0, 0]);
    const idat = Buffer.from([0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 0]);
    const withTrns = Buffer.concat([pngHeader(10, 10), trns, idat]);
    const without = Buffer.concat([pngHeader(10, 10), idat]);
    expect(readImageHeader(withTrns).cost - readImageHeader(without).cost).toBe(100 * c.pngAlpha);
  });

  it('reads a baseline and a progressive JPEG frame header, charging its pixels and its compressed bytes', () => {
    const baseline = jpegHeader(640, 480);
    expect(readImageHeader(baseline)).toEqual({
      format: 'jpeg',
      width: 640,
      height: 480,
      cost: 640 * 480 * c.jpegPixel + baseline.length * c.jpegByte,
    });
    const progressive = jpegHeader(64, 32, 0xc2);
    expect(readImageHeader(progressive)).toEqual({
      format: 'jpeg',
      width: 64,
      height: 32,
      cost: 64 * 32 * c.progressiveJpegPixel + progressive.length * c.progressiveJpegByte,
    });
  });
});

describe('DecodeBudget: the decode work of a whole request, from headers only', () => {
  const admitsAll = (images: Buffer[]) => () => {
    const budget = new DecodeBudget();
    for (const image of images) budget.admit(image);
  };
  const batch = (image: Buffer) => Array.from({ length: 256 }, () => image);

  it('admits a full batch of 256 images of 280×280 as 8-bit grey PNG, and of 28×28 in any layout', () => {
    expect(admitsAll(batch(pngHeader(280, 280)))).not.toThrow();
    for (const image of [pngHeader(28, 28, 1, 16, 6), jpegHeader(28, 28), jpegHeader(28, 28, 0xc2)])
      expect(admitsAll(batch(image))).not.toThrow();
  });

  it('admits 100 of the page`s 280×280 RGBA canvas PNGs but not 256 (about 1.2 s of decoding)', () => {
    const canvasPng = pngHeader(280, 280, 0, 8, 6);
    expect(admitsAll(Array.from({ length: 100 }, () => canvasPng))).not.toThrow();
    expect(admitsAll(batch(canvasPng))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('refuses the image that takes the request over the limit, naming the limit and the total', () => {
    const budget = new DecodeBudget();
    for (let i = 0; i < 4; i++) budget.admit(pngHeader(2800, 2800));
    let error: unknown;
    try {
      budget.admit(pngHeader(2800, 2800));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DigitInputError);
    expect(error).toMatchObject({ status: 413, code: 'TOO_LARGE' });
    expect((error as Error).message).toMatch(
      /5 image\(s\) need 705.6 M units of decoding \(about a nanosecond of CPU each; a pixel of this PNG costs 18, .*the limit is 600 M a request/,
    );
  });

  it('refuses one 2800×2800 image in the costlier layouts, where the same 8-bit grey or RGBA PNG is admitted', () => {
    expect(admitsAll([pngHeader(2800, 2800, 0, 8)])).not.toThrow();
    expect(admitsAll([pngHeader(2800, 2800, 0, 8, 6)])).not.toThrow();
    expect(admitsAll([pngHeader(2800, 2800, 0, 16, 6)])).toThrow(/a pixel of this PNG costs 94/);
    expect(admitsAll([jpegHeader(2800, 2800)])).toThrow(/a pixel of this JPEG costs 400/);
  });

  it('counts a progressive JPEG at its cold cost (bench:fuzz: one of 2000×2000 took 1.2 s in a cold process)', () => {
    const budget = new DecodeBudget();
    budget.admit(jpegHeader(1200, 1200, 0xc2));
    expect(() => budget.admit(jpegHeader(1200, 1200, 0xc2))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(() => new DecodeBudget().admit(jpegHeader(2000, 2000, 0xc2))).toThrow(/need 1600 M units/);
  });

  it('reports a bad header as that image`s error, before charging anything', () => {
    const budget = new DecodeBudget();
    expect(() => budget.admit(Buffer.from('not an image'))).toThrow(expect.objectContaining({ code: 'UNDECODABLE' }));
    expect(() => budget.admit(pngHeader(5000, 10))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(budget.spent).toBe(0);
  });

  it('takes its limit as a parameter (the default is MAX_REQUEST_DECODE_COST)', () => {
    expect(new DecodeBudget().limit).toBe(MAX_REQUEST_DECODE_COST);
    expect(() => new DecodeBudget(100).admit(pngHeader(10, 11))).toThrow(/limit is 0.0001 M a request/);
  });
});
