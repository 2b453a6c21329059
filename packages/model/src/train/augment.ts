/**
 * On-the-fly augmentation of a training batch, in place: each image gets its own random affine
 * map (rotation, shear, scale, shift) drawn from the training seed, sampled bilinearly, then
 * optionally a low resolution (a small upload, as the /predict normaliser turns it into 28×28), a
 * Gaussian blur (an out-of-focus digit) and Gaussian pixel noise (a grainy photo), each of random
 * strength. It runs on the batch buffer between filling and the training step, so no bigger
 * dataset is stored: the affine map costs well under a millisecond per batch of 128, low
 * resolution, blur and noise a few milliseconds.
 */
import { PIXELS } from '@digits/common';
import { DigitInputError } from '@digits/normalise';
// The normaliser's own crop-and-centre, so a low-resolution image is re-framed exactly as /predict
// would re-frame the upload (its package exports only the whole decode-and-normalise path).
import { centreDigit } from '@digits/normalise';

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
  /**
   * Probability (0–1) that an image is seen at a low resolution: area-averaged down to a square of
   * LOWRES_SIDES (drawn per image), bilinear back up to 28×28, then cropped to its ink and centred
   * as the normaliser does — what an 8×8 or 16×16 upload becomes on its way to the model.
   */
  lowresProbability: number;
  /** Largest blur, the Gaussian's standard deviation in pixels (0: none); each image gets 0 to this. */
  blurSigma: number;
  /** Largest pixel noise, the Gaussian's standard deviation on the 0–1 scale (0: none); each image gets 0 to this. */
  noiseSigma: number;
  /**
   * Elastic distortion (0: none): the largest displacement, pixels, of each control point of an
   * ELASTIC_NODES×ELASTIC_NODES grid over the frame; between them the displacement is interpolated.
   */
  elasticPixels: number;
}

export const NO_AUGMENTATION: Readonly<AugmentConfig> = {
  rotationDegrees: 0,
  shear: 0,
  scale: 0,
  shiftPixels: 0,
  lowresProbability: 0,
  blurSigma: 0,
  noiseSigma: 0,
  elasticPixels: 0,
};

const isMoving = (c: AugmentConfig): boolean =>
  c.rotationDegrees > 0 || c.shear > 0 || c.scale > 0 || c.shiftPixels > 0;

export const isAugmenting = (c: AugmentConfig): boolean =>
  isMoving(c) || c.lowresProbability > 0 || c.blurSigma > 0 || c.noiseSigma > 0 || c.elasticPixels > 0;

/** The low resolutions drawn, sides in pixels of the 28×28 frame (8 is the suite's lowres-8), inclusive. */
export const LOWRES_SIDES = { min: 7, max: 14 } as const;

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
    // Draws happen only for what is on, in this order, so a config without elastic distortion, low
    // resolution, blur and noise draws exactly what it drew before they existed (the same seed
    // gives the same model).
    if (moving) moveImage(image, config, random, scratch);
    if (config.elasticPixels > 0) elasticImage(image, config.elasticPixels, random, scratch);
    if (config.lowresProbability > 0 && random() < config.lowresProbability) {
      const side = LOWRES_SIDES.min + Math.floor(random() * (LOWRES_SIDES.max - LOWRES_SIDES.min + 1));
      lowResolution(image, side, scratch);
    }
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

/** Control points a side of the elastic displacement grid: one every 9 px, corners included. */
export const ELASTIC_NODES = 4;
const ELASTIC_STEP = (SIDE - 1) / (ELASTIC_NODES - 1);
const elasticX = new Float32Array(ELASTIC_NODES * ELASTIC_NODES);
const elasticY = new Float32Array(ELASTIC_NODES * ELASTIC_NODES);

/**
 * A smooth random deformation in the spirit of Simard et al.'s elastic distortions (2003), which
 * blur a random field per pixel: here each control point of a coarse grid moves up to
 * `maxPixels` either way and every pixel takes the bilinear mix of its four nodes' moves (~1,600
 * operations an image instead of a 25-tap blur of two full fields), then the image is resampled.
 */
export function elasticImage(
  image: Float32Array,
  maxPixels: number,
  random: () => number,
  scratch = new Float32Array(PIXELS),
): void {
  for (let i = 0; i < elasticX.length; i++) {
    elasticX[i] = (random() * 2 - 1) * maxPixels;
    elasticY[i] = (random() * 2 - 1) * maxPixels;
  }
  scratch.set(image);
  const nodes = ELASTIC_NODES;
  for (let y = 0; y < SIDE; y++) {
    const gy = y / ELASTIC_STEP;
    const y0 = Math.min(nodes - 2, Math.floor(gy));
    const fy = gy - y0;
    for (let xx = 0; xx < SIDE; xx++) {
      const gx = xx / ELASTIC_STEP;
      const x0 = Math.min(nodes - 2, Math.floor(gx));
      const fx = gx - x0;
      const i = y0 * nodes + x0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const dx =
        w00 * elasticX[i]! + w10 * elasticX[i + 1]! + w01 * elasticX[i + nodes]! + w11 * elasticX[i + nodes + 1]!;
      const dy =
        w00 * elasticY[i]! + w10 * elasticY[i + 1]! + w01 * elasticY[i + nodes]! + w11 * elasticY[i + nodes + 1]!;
      image[y * SIDE + xx] = bilinear(scratch, xx + dx, y + dy);
    }
  }
}

/**
 * The image at `side`×`side` (each cell the exact area-average of the 28×28 pixels it covers),
 * bilinear back up to 28×28, then cropped to its ink, scaled to the 20 px box and centred by mass
 * by the normaliser. An image with too little ink for the normaliser keeps its low-resolution look.
 */
export function lowResolution(image: Float32Array, side: number, scratch = new Float32Array(PIXELS)): void {
  if (!Number.isInteger(side) || side < 1 || side > SIDE)
    throw new RangeError(`low resolution side must be an integer from 1 to ${SIDE}, got ${side}`);
  const { first, count, share, lo, hi, frac } = lowresTables(side);
  // Down: rows then columns, each cell a weighted sum of the source pixels it covers (≤ TAPS a side).
  const rows = scratch.fill(0, 0, side * SIDE);
  const cells = lowresCells;
  for (let cy = 0; cy < side; cy++)
    for (let k = 0; k < count[cy]!; k++) {
      const w = share[cy * TAPS + k]!;
      const from = (first[cy]! + k) * SIDE;
      for (let x = 0; x < SIDE; x++) rows[cy * SIDE + x]! += w * image[from + x]!;
    }
  for (let cy = 0; cy < side; cy++)
    for (let cx = 0; cx < side; cx++) {
      let sum = 0;
      for (let k = 0; k < count[cx]!; k++) sum += share[cx * TAPS + k]! * rows[cy * SIDE + first[cx]! + k]!;
      cells[cy * side + cx] = sum;
    }
  // Up: bilinear, cell c's centre at (c + 0.5)·28/side, clamped at the edges.
  for (let y = 0; y < SIDE; y++) {
    const top = lo[y]! * side;
    const bottom = hi[y]! * side;
    const fy = frac[y]!;
    for (let x = 0; x < SIDE; x++) {
      const x0 = lo[x]!;
      const x1 = hi[x]!;
      const fx = frac[x]!;
      const upper = cells[top + x0]! * (1 - fx) + cells[top + x1]! * fx;
      const lower = cells[bottom + x0]! * (1 - fx) + cells[bottom + x1]! * fx;
      image[y * SIDE + x] = upper * (1 - fy) + lower * fy;
    }
  }
  try {
    image.set(centreDigit(image, SIDE, SIDE));
  } catch (e) {
    if (!(e instanceof DigitInputError)) throw e;
  }
}

/** Most source pixels one cell covers along a side (a cell is 28/side ≥ 1 px wide: ≤ 28 + 1 at side 1). */
const TAPS = SIDE + 1;

interface LowresTables {
  /** Per cell: its first source pixel, how many it covers, and each one's share (TAPS slots a cell; they sum to 1). */
  first: Int32Array;
  count: Int32Array;
  share: Float32Array;
  /** Per 28×28 coordinate: the two cells it lies between and the weight of the second. */
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array;
}

const lowresTableCache = new Map<number, LowresTables>();
/** The low-resolution cells of the image being degraded (side ≤ 28). */
const lowresCells = new Float32Array(PIXELS);

function lowresTables(side: number): LowresTables {
  const cached = lowresTableCache.get(side);
  if (cached) return cached;
  const step = SIDE / side;
  const t: LowresTables = {
    first: new Int32Array(side),
    count: new Int32Array(side),
    share: new Float32Array(side * TAPS),
    lo: new Int32Array(SIDE),
    hi: new Int32Array(SIDE),
    frac: new Float32Array(SIDE),
  };
  for (let c = 0; c < side; c++) {
    const from = c * step;
    const to = from + step;
    t.first[c] = Math.floor(from);
    t.count[c] = Math.min(SIDE, Math.ceil(to - 1e-9)) - t.first[c]!;
    for (let k = 0; k < t.count[c]!; k++) {
      const i = t.first[c]! + k;
      t.share[c * TAPS + k] = (Math.min(to, i + 1) - Math.max(from, i)) / step;
    }
  }
  for (let p = 0; p < SIDE; p++) {
    const at = Math.min(side - 1, Math.max(0, (p + 0.5) / step - 0.5));
    t.lo[p] = Math.floor(at);
    t.hi[p] = Math.min(side - 1, t.lo[p]! + 1);
    t.frac[p] = at - t.lo[p]!;
  }
  lowresTableCache.set(side, t);
  return t;
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
  for (let i = 0; i < image.length; i++) {
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
