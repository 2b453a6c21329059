import { encodePng, normaliseImage } from '@digits/normalise';
import { SIDE, resize } from '../../src/robust/corruptions';
import { plainResize } from '../../src/robust/plain-resize';

/** A dark 8×8 square in the top-left corner of a white 112×112 upload. */
function cornerSquare(): Uint8Array {
  const grey = new Float32Array(112 * 112).fill(1);
  for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) grey[y * 112 + x] = 0;
  return encodePng(grey, 112);
}
const inkCentre = (img: Float32Array): [number, number] => {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  img.forEach((v, i) => {
    sum += v;
    sx += v * (i % SIDE);
    sy += v * Math.floor(i / SIDE);
  });
  return [sx / sum, sy / sum];
};

describe('plainResize', () => {
  it('only resizes: the ink stays where and as small as it was (the normaliser centres and enlarges it)', () => {
    const plain = plainResize(cornerSquare());
    expect(plain).toHaveLength(SIDE * SIDE);
    const [x, y] = inkCentre(plain);
    expect(x).toBeCloseTo(1.5, 0);
    expect(y).toBeCloseTo(1.5, 0);
    expect(plain.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 0); // 8×8 px at 112 → 2×2 at 28
    const normalised = normaliseImage(cornerSquare()).pixels;
    const [nx, ny] = inkCentre(normalised);
    expect(Math.abs(nx - 13.5)).toBeLessThan(1.5);
    expect(Math.abs(ny - 13.5)).toBeLessThan(1.5);
  });

  it('takes the ink as dark on light, without checking the polarity', () => {
    const white = encodePng(new Float32Array(56 * 56).fill(1), 56);
    expect(Math.max(...plainResize(white))).toBe(0);
    expect(plainResize(encodePng(new Float32Array(56 * 56), 56))).toEqual(
      resize(new Float32Array(56 * 56).fill(1), 56, SIDE),
    );
  });
});
