import { DecodeBudget, DigitInputError, MAX_REQUEST_DECODE_COST, PIXEL_DECODE_COST, readImageHeader } from '../src';
import { jpegHeader, pngHeader } from './stroke-canvas';

describe('readImageHeader', () => {
  it('reads format, size and bit depth of a PNG from its IHDR, without decoding', () => {
    expect(readImageHeader(pngHeader(280, 140, 0, 16))).toEqual({
      format: 'png',
      width: 280,
      height: 140,
      cost: 280 * 140 * PIXEL_DECODE_COST.png16,
    });
  });

  it('reads a baseline and a progressive JPEG frame header', () => {
    expect(readImageHeader(jpegHeader(640, 480))).toEqual({
      format: 'jpeg',
      width: 640,
      height: 480,
      cost: 640 * 480 * PIXEL_DECODE_COST.jpeg,
    });
    expect(readImageHeader(jpegHeader(64, 32, 0xc2))).toEqual({
      format: 'jpeg',
      width: 64,
      height: 32,
      cost: 64 * 32 * PIXEL_DECODE_COST.progressiveJpeg,
    });
  });
});

describe('DecodeBudget: the decode work of a whole request, from headers only', () => {
  it('admits a full batch of 256 images of 280×280 as PNG (8- or 16-bit) or baseline JPEG', () => {
    for (const image of [pngHeader(280, 280), pngHeader(280, 280, 0, 16), jpegHeader(280, 280)]) {
      const budget = new DecodeBudget();
      for (let i = 0; i < 256; i++) budget.admit(image);
    }
  });

  it('refuses the image that takes the request over the limit, naming the limit and the total', () => {
    const budget = new DecodeBudget();
    for (let i = 0; i < 6; i++) budget.admit(pngHeader(4000, 4000));
    let error: unknown;
    try {
      budget.admit(pngHeader(4000, 4000));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DigitInputError);
    expect(error).toMatchObject({ status: 413, code: 'TOO_LARGE' });
    expect((error as Error).message).toMatch(/7 image\(s\) need 112 M units of decoding .*the limit is 96 M a request/);
  });

  it('counts JPEG and 16-bit PNG pixels at their decode cost: refused where the same 8-bit PNGs are admitted', () => {
    const twice = (image: Buffer) => () => {
      const budget = new DecodeBudget();
      budget.admit(image);
      budget.admit(image);
    };
    expect(twice(pngHeader(4000, 4000, 0, 8))).not.toThrow();
    expect(twice(pngHeader(4000, 4000, 0, 16))).toThrow(/16-bit PNG 4/);
    expect(twice(jpegHeader(4000, 4000))).toThrow(/JPEG/);
  });

  it('counts a progressive JPEG at its cost (bench:fuzz: two of 2000×2000 ran past the 15 s Lambda timeout)', () => {
    const budget = new DecodeBudget();
    budget.admit(jpegHeader(2000, 2000, 0xc2));
    expect(() => budget.admit(jpegHeader(2000, 2000, 0xc2))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(() => new DecodeBudget().admit(jpegHeader(4000, 4000, 0xc2))).toThrow(/progressive JPEG 16/);
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
