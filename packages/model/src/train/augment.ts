/**
 * On-the-fly augmentation of a training batch, in place: each image gets its own random affine
 * map (rotation, shear, scale, shift) drawn from the training seed, sampled bilinearly. It runs on
 * the batch buffer between filling and the training step, so no bigger dataset is stored, and
 * costs well under a millisecond per batch of 128.
 */
import { PIXELS } from '@digits/common';

const SIDE = 28;
const CENTRE = (SIDE - 1) / 2;

export interface AugmentConfig {
  /** Largest rotation either way, degrees (0: none). */
  rotationDegrees: number;
  /** Largest horizontal shear either way (x += shear·y). */
  shear: number;
  /** Largest relative change of size either way (0.1: 90–110%). */
  scale: number;
  /** Largest shift either way, pixels. */
  shiftPixels: number;
}

export const NO_AUGMENTATION: Readonly<AugmentConfig> = { rotationDegrees: 0, shear: 0, scale: 0, shiftPixels: 0 };

export const isAugmenting = (c: AugmentConfig): boolean =>
  c.rotationDegrees > 0 || c.shear > 0 || c.scale > 0 || c.shiftPixels > 0;

/** Augment `count` 28×28 images stored one after another in `x` (values 0–1), in place. */
export function augmentBatch(
  x: Float32Array,
  count: number,
  config: AugmentConfig,
  random: () => number,
  scratch = new Float32Array(PIXELS),
): void {
  const spread = (max: number): number => (random() * 2 - 1) * max;
  for (let n = 0; n < count; n++) {
    const angle = (spread(config.rotationDegrees) * Math.PI) / 180;
    const shear = spread(config.shear);
    const size = 1 + spread(config.scale);
    const dx = spread(config.shiftPixels);
    const dy = spread(config.shiftPixels);
    // Forward map: scale, shear, rotate about the centre, then shift. Sample through its inverse.
    const cos = Math.cos(angle) * size;
    const sin = Math.sin(angle) * size;
    const f00 = cos;
    const f01 = cos * shear - sin;
    const f10 = sin;
    const f11 = sin * shear + cos;
    const det = f00 * f11 - f01 * f10;
    const i00 = f11 / det;
    const i01 = -f01 / det;
    const i10 = -f10 / det;
    const i11 = f00 / det;
    const base = n * PIXELS;
    scratch.set(x.subarray(base, base + PIXELS));
    for (let y = 0; y < SIDE; y++) {
      const oy = y - CENTRE - dy;
      for (let xx = 0; xx < SIDE; xx++) {
        const ox = xx - CENTRE - dx;
        const sx = i00 * ox + i01 * oy + CENTRE;
        const sy = i10 * ox + i11 * oy + CENTRE;
        x[base + y * SIDE + xx] = bilinear(scratch, sx, sy);
      }
    }
  }
}

function bilinear(img: Float32Array, x: number, y: number): number {
  if (x <= -1 || y <= -1 || x >= SIDE || y >= SIDE) return 0;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const x1 = x0 + 1;
  const y1 = y0 + 1;
  const p00 = x0 >= 0 && y0 >= 0 ? img[y0 * SIDE + x0]! : 0;
  const p10 = x1 < SIDE && y0 >= 0 ? img[y0 * SIDE + x1]! : 0;
  const p01 = x0 >= 0 && y1 < SIDE ? img[y1 * SIDE + x0]! : 0;
  const p11 = x1 < SIDE && y1 < SIDE ? img[y1 * SIDE + x1]! : 0;
  return (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
}
