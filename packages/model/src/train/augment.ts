/**
 * On-the-fly augmentation of a training batch, in place: each image gets its own random affine
 * map (rotation, shear, scale, shift) drawn from the training seed, sampled bilinearly, then
 * optionally a Gaussian blur (an out-of-focus or low-resolution digit) and Gaussian pixel noise (a
 * grainy photo), each of random strength. It runs on the batch buffer between filling and the
 * training step, so no bigger dataset is stored: the affine map costs well under a millisecond
 * per batch of 128, blur and noise a few milliseconds.
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
  /** Largest blur, the Gaussian's standard deviation in pixels (0: none); each image gets 0 to this. */
  blurSigma: number;
  /** Largest pixel noise, the Gaussian's standard deviation on the 0–1 scale (0: none); each image gets 0 to this. */
  noiseSigma: number;
}

export const NO_AUGMENTATION: Readonly<AugmentConfig> = {
  rotationDegrees: 0,
  shear: 0,
  scale: 0,
  shiftPixels: 0,
  blurSigma: 0,
  noiseSigma: 0,
};

const isMoving = (c: AugmentConfig): boolean =>
  c.rotationDegrees > 0 || c.shear > 0 || c.scale > 0 || c.shiftPixels > 0;

export const isAugmenting = (c: AugmentConfig): boolean => isMoving(c) || c.blurSigma > 0 || c.noiseSigma > 0;

/** Augment `count` 28×28 images stored one after another in `x` (values 0–1), in place. */
export function augmentBatch(
  x: Float32Array,
  count: number,
  config: AugmentConfig,
  random: () => number,
  scratch = new Float32Array(PIXELS),
): void {
  const moving = isMoving(config);
  for (let n = 0; n < count; n++) {
    const image = x.subarray(n * PIXELS, (n + 1) * PIXELS);
    // Draws happen only for what is on, in this order, so a config without blur and noise draws
    // exactly what it drew before they existed (the same seed gives the same model).
    if (moving) moveImage(image, config, random, scratch);
    if (config.blurSigma > 0) blurImage(image, random() * config.blurSigma, scratch);
    if (config.noiseSigma > 0) addNoise(image, random() * config.noiseSigma, random);
  }
}

/** The random affine map: scale, shear, rotate about the centre, then shift. */
function moveImage(image: Float32Array, config: AugmentConfig, random: () => number, scratch: Float32Array): void {
  const spread = (max: number): number => (random() * 2 - 1) * max;
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
  scratch.set(image);
  for (let y = 0; y < SIDE; y++) {
    const oy = y - CENTRE - dy;
    for (let xx = 0; xx < SIDE; xx++) {
      const ox = xx - CENTRE - dx;
      const sx = i00 * ox + i01 * oy + CENTRE;
      const sy = i10 * ox + i11 * oy + CENTRE;
      image[y * SIDE + xx] = bilinear(scratch, sx, sy);
    }
  }
}

/** Separable Gaussian blur with zeros outside; below σ 0.3 px the kernel is all centre, so skip it. */
function blurImage(image: Float32Array, sigma: number, scratch: Float32Array): void {
  if (sigma < 0.3) return;
  const radius = Math.ceil(sigma * 3);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) =>
    Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const kernel = weights.map((w) => w / total);
  for (let y = 0; y < SIDE; y++)
    for (let xx = 0; xx < SIDE; xx++) {
      let sum = 0;
      for (let k = Math.max(-radius, -xx); k <= Math.min(radius, SIDE - 1 - xx); k++)
        sum += image[y * SIDE + xx + k]! * kernel[k + radius]!;
      scratch[y * SIDE + xx] = sum;
    }
  for (let y = 0; y < SIDE; y++)
    for (let xx = 0; xx < SIDE; xx++) {
      let sum = 0;
      for (let k = Math.max(-radius, -y); k <= Math.min(radius, SIDE - 1 - y); k++)
        sum += scratch[(y + k) * SIDE + xx]! * kernel[k + radius]!;
      image[y * SIDE + xx] = sum;
    }
}

/** Gaussian noise of standard deviation `sigma` on every pixel (Box–Muller), clamped to 0–1. */
function addNoise(image: Float32Array, sigma: number, random: () => number): void {
  for (let i = 0; i < PIXELS; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    image[i] = Math.min(1, Math.max(0, image[i]! + g * sigma));
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
