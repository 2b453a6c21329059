import { UPLOAD_MAX_SIDE, uploadSize } from '../../../src/page/browser/upload';

describe('uploadSize', () => {
  it('scales a large photo down to fit the longest side, keeping its shape', () => {
    expect(uploadSize(4000, 3000, UPLOAD_MAX_SIDE)).toEqual({ width: 560, height: 420 });
    expect(uploadSize(1000, 2000, 500)).toEqual({ width: 250, height: 500 });
  });

  it('never scales a small image up', () => {
    expect(uploadSize(28, 28, UPLOAD_MAX_SIDE)).toEqual({ width: 28, height: 28 });
  });

  it('keeps at least one pixel on each side of a very thin image', () => {
    expect(uploadSize(10_000, 3, 560)).toEqual({ width: 560, height: 1 });
  });
});
