import {
  CLEAN,
  CORRUPTIONS,
  SIDE,
  UPLOAD_SCALE,
  affine,
  blur,
  morph,
  resize,
  seededRandom,
} from '../../src/robust/corruptions';

/** A bright vertical bar, 4 px wide, rows 6–21: a "1". */
function bar(): Float32Array {
  const img = new Float32Array(SIDE * SIDE);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) img[y * SIDE + x] = 1;
  return img;
}
const ink = (img: Float32Array): number => img.reduce((a, b) => a + b, 0);

describe('corruptions', () => {
  it('draws the same severities for the same seed, others for another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    for (const corruption of CORRUPTIONS) {
      const one = corruption.apply(bar(), seededRandom(3));
      const two = corruption.apply(bar(), seededRandom(3));
      expect(two).toEqual(one);
    }
  });

  it('leaves an image unchanged under the identity map, and moves it under a shift', () => {
    const img = bar();
    expect(affine(img, SIDE, [1, 0, 0, 1])).toEqual(img);
    const shifted = affine(img, SIDE, [1, 0, 0, 1], [3, 0]);
    expect(shifted[10 * SIDE + 15]).toBe(1);
    expect(shifted[10 * SIDE + 12]).toBe(0);
  });

  it('thickens with dilation, thins with erosion, keeps ink under blur', () => {
    const img = bar();
    expect(ink(morph(img, SIDE, 1, 'dilate'))).toBeGreaterThan(ink(img));
    expect(ink(morph(img, SIDE, 1, 'erode'))).toBeLessThan(ink(img));
    expect(ink(blur(img, SIDE, 1))).toBeCloseTo(ink(img), 0);
  });

  it('averages when shrinking by a whole factor', () => {
    const img = bar();
    const small = resize(img, SIDE, 14);
    expect(small.length).toBe(14 * 14);
    expect(ink(small) * 4).toBeCloseTo(ink(img), 4);
  });

  it('renders every corruption as a square upload, dark ink on white except the inversion', () => {
    for (const corruption of [CLEAN, ...CORRUPTIONS]) {
      const out = corruption.apply(bar(), seededRandom(1));
      expect(out.pixels.length).toBe(out.side * out.side);
      expect(out.side).toBeGreaterThanOrEqual(SIDE * UPLOAD_SCALE);
      expect(out.darkInk).toBe(corruption.name !== 'invert');
      expect(ink(out.pixels)).toBeGreaterThan(0);
    }
    expect(
      CORRUPTIONS.find((c) => c.name === 'jpeg')!.apply(bar(), seededRandom(1)).jpegQuality,
    ).toBeGreaterThanOrEqual(10);
  });

  it('pushes the digit whole against an edge: faint ink beyond its box is cut off, never wrapped to the other side', () => {
    // The bar with a faint halo (below the ink box's 0.1) two pixels wide on every side.
    const img = bar();
    for (let y = 4; y < 24; y++) for (let x = 10; x < 18; x++) if (img[y * SIDE + x] === 0) img[y * SIDE + x] = 0.05;
    for (let seed = 1; seed <= 12; seed++) {
      const out = CORRUPTIONS.find((c) => c.name === 'translate')!.apply(img, seededRandom(seed));
      const side = out.side;
      let [x0, x1, y0, y1] = [side, -1, side, -1];
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++)
          if (out.pixels[y * side + x]! > 0)
            [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      // The haloed bar is 8 × 20 of a 56-px frame: its ink spans well under half of it each way.
      expect({ seed, width: x1 - x0 < side / 2, height: y1 - y0 < side / 2 }).toEqual({
        seed,
        width: true,
        height: true,
      });
    }
  });

  it('pushes the digit against an edge of a frame twice as big', () => {
    const out = CORRUPTIONS.find((c) => c.name === 'translate')!.apply(bar(), seededRandom(2));
    const side = out.side;
    let touches = false;
    for (let k = 0; k < side; k++) {
      const edges = [
        out.pixels[k]!,
        out.pixels[(side - 1) * side + k]!,
        out.pixels[k * side]!,
        out.pixels[k * side + side - 1]!,
      ];
      if (edges.some((v) => v > 0.5)) touches = true;
    }
    expect(touches).toBe(true);
  });
});
