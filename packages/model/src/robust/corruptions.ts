/**
 * Corruptions of MNIST digits in the spirit of MNIST-C (Mu & Gilmer, 2019), built in code: each
 * turns a 28×28 MNIST image (0–1, ink bright) into the image a user might really send — rotated,
 * sheared, small, off-centre, with a thicker or thinner pen, blurred, noisy, inverted, at low
 * resolution, or as a lossy JPEG — so that it can be sent through the same normaliser /predict
 * uses. Severity is drawn per image from a seeded generator: the same seed gives the same images.
 */
import { mulberry32 } from '../seeded-random';

export const SIDE = 28;
/** Uploads are rendered this many times larger than 28×28, as a photo or canvas export would be. */
export const UPLOAD_SCALE = 4;

/** A square grey image, 0–1 with the ink bright, and how the benchmark should encode it. */
export interface CorruptedImage {
  side: number;
  pixels: Float32Array;
  /** Dark ink on white, as pages and photos are (default); false keeps MNIST's bright ink on black. */
  darkInk: boolean;
  /** Encode as a JPEG of this quality instead of a PNG. */
  jpegQuality?: number;
}

export type Random = () => number;

export interface Corruption {
  name: string;
  apply(image: Float32Array, random: Random): CorruptedImage;
  /** Its images are JPEGs: scoring it needs a JPEG encoder (the trainer has none fast enough). */
  jpeg?: true;
}

/**
 * The suite's version, recorded with every score: change it whenever a corruption, a severity or
 * the way images are drawn changes, so that only scores of the same version are compared.
 */
export const SUITE_VERSION = 'digits-c-2';

/** Severities are drawn from the model package's one seeded generator. */
export const seededRandom: (seed: number) => Random = mulberry32;

const between = (random: Random, lo: number, hi: number): number => lo + (hi - lo) * random();
const signed = (random: Random, lo: number, hi: number): number => (random() < 0.5 ? -1 : 1) * between(random, lo, hi);

/** One pixel, 0 outside the image. */
const at = (image: Float32Array, side: number, x: number, y: number): number =>
  x < 0 || y < 0 || x >= side || y >= side ? 0 : image[y * side + x]!;

/** Bilinear sample with zeros outside. */
function sample(image: Float32Array, side: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const top = at(image, side, x0, y0) * (1 - fx) + at(image, side, x0 + 1, y0) * fx;
  const bottom = at(image, side, x0, y0 + 1) * (1 - fx) + at(image, side, x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * The image seen through an affine map about its centre: output pixel p shows input pixel
 * `inverse · (p − c) + c − shift`, with `inverse` the 2×2 matrix [a, b; c, d] row-major.
 */
export function affine(
  image: Float32Array,
  side: number,
  inverse: readonly [number, number, number, number],
  shift: readonly [number, number] = [0, 0],
): Float32Array {
  const out = new Float32Array(side * side);
  const c = (side - 1) / 2;
  const [a, b, cc, d] = inverse;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dx = x - c - shift[0];
      const dy = y - c - shift[1];
      out[y * side + x] = sample(image, side, a * dx + b * dy + c, cc * dx + d * dy + c);
    }
  }
  return out;
}

/** Bilinear resize of a square image (area-averaging when shrinking by an integer factor). */
export function resize(image: Float32Array, side: number, to: number): Float32Array {
  const out = new Float32Array(to * to);
  if (to < side && side % to === 0) {
    const f = side / to;
    for (let y = 0; y < to; y++)
      for (let x = 0; x < to; x++) {
        let sum = 0;
        for (let j = 0; j < f; j++) for (let i = 0; i < f; i++) sum += image[(y * f + j) * side + x * f + i]!;
        out[y * to + x] = sum / (f * f);
      }
    return out;
  }
  const scale = side / to;
  for (let y = 0; y < to; y++)
    for (let x = 0; x < to; x++)
      out[y * to + x] = sample(image, side, Math.max(0, (x + 0.5) * scale - 0.5), Math.max(0, (y + 0.5) * scale - 0.5));
  return out;
}

/** Grey dilation (max, thickens bright ink) or erosion (min, thins it) with a disc of `radius`. */
export function morph(image: Float32Array, side: number, radius: number, op: 'dilate' | 'erode'): Float32Array {
  const out = new Float32Array(side * side);
  const r2 = radius * radius;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      let v = op === 'dilate' ? 0 : 1;
      for (let j = -radius; j <= radius; j++)
        for (let i = -radius; i <= radius; i++) {
          if (i * i + j * j > r2) continue;
          const xx = x + i;
          const yy = y + j;
          const p = xx < 0 || yy < 0 || xx >= side || yy >= side ? 0 : image[yy * side + xx]!;
          v = op === 'dilate' ? Math.max(v, p) : Math.min(v, p);
        }
      out[y * side + x] = v;
    }
  return out;
}

/** Separable Gaussian blur with standard deviation `sigma` pixels. */
export function blur(image: Float32Array, side: number, sigma: number): Float32Array {
  const radius = Math.ceil(sigma * 3);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(side * side);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = horizontal ? x + k : x;
          const yy = horizontal ? y : y + k;
          if (xx >= 0 && yy >= 0 && xx < side && yy < side) sum += src[yy * side + xx]! * kernel[k + radius]!;
        }
        dst[y * side + x] = sum / total;
      }
    return dst;
  };
  return pass(pass(image, true), false);
}

/** Ink bounding box of a 28×28 image (pixels above 0.1), or undefined when blank. */
function inkBox(image: Float32Array, side: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = side;
  let y0 = side;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      if (image[y * side + x]! > 0.1) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}

const clamp01 = (image: Float32Array): Float32Array => image.map((v) => Math.min(1, Math.max(0, v)));
const squareSide = (pixels: Float32Array): number => Math.round(Math.sqrt(pixels.length));
const upload = (pixels: Float32Array): CorruptedImage => ({ side: squareSide(pixels), pixels, darkInk: true });
/** Down to `to`×`to` by averaging (through a 4× bilinear upsample, which 8 and 16 divide exactly), then back up. */
const lowRes = (img: Float32Array, to: number): Float32Array =>
  resize(resize(large(img), SIDE * UPLOAD_SCALE, to), to, SIDE * UPLOAD_SCALE);
const large = (image: Float32Array): Float32Array => resize(image, SIDE, SIDE * UPLOAD_SCALE);

/** The suite `pnpm bench:robust` runs, each at a fixed severity range. */
export const CORRUPTIONS: readonly Corruption[] = [
  {
    name: 'rotate',
    // ±10–25°: how far people tilt a digit on a page or a phone photo.
    apply: (img, r) => {
      const t = (signed(r, 10, 25) * Math.PI) / 180;
      return upload(large(affine(img, SIDE, [Math.cos(t), Math.sin(t), -Math.sin(t), Math.cos(t)])));
    },
  },
  {
    name: 'shear',
    apply: (img, r) => upload(large(affine(img, SIDE, [1, signed(r, 0.2, 0.45), 0, 1]))),
  },
  {
    name: 'scale',
    // A small digit in a big frame (50–75% of its size): the normaliser's crop should undo it.
    apply: (img, r) => {
      const f = 1 / between(r, 0.5, 0.75);
      return upload(large(affine(img, SIDE, [f, 0, 0, f])));
    },
  },
  {
    name: 'translate',
    // Pushed until its ink touches an edge of a frame twice as big.
    apply: (img, r) => {
      const big = SIDE * 2;
      const canvas = new Float32Array(big * big);
      const box = inkBox(img, SIDE) ?? { x0: 0, y0: 0, x1: SIDE - 1, y1: SIDE - 1 };
      const left = r() < 0.5;
      const top = r() < 0.5;
      const ox = left ? -box.x0 : big - 1 - box.x1;
      const oy = top ? -box.y0 : big - 1 - box.y1;
      // Faint ink beyond the box falls off the frame, as a photo crops it (digits-c-1 wrapped it
      // onto the next row's far side, which the normaliser then had to ignore).
      for (let y = Math.max(0, -oy); y < SIDE && y + oy < big; y++)
        for (let x = Math.max(0, -ox); x < SIDE && x + ox < big; x++)
          canvas[(y + oy) * big + x + ox] = img[y * SIDE + x]!;
      return upload(resize(canvas, big, big * 2));
    },
  },
  {
    name: 'thick-pen',
    // Dilate at 4× by 3–4 px: strokes ~1.5–2 px wider at 28×28.
    apply: (img, r) => upload(morph(large(img), SIDE * UPLOAD_SCALE, Math.round(between(r, 3, 4)), 'dilate')),
  },
  {
    name: 'thin-pen',
    // Erode at 4× by 2 px: strokes ~1 px thinner at 28×28.
    apply: (img) => upload(morph(large(img), SIDE * UPLOAD_SCALE, 2, 'erode')),
  },
  {
    name: 'blur',
    // σ 4–6 px at 4×, 1–1.5 px at 28×28: an out-of-focus photo.
    apply: (img, r) => upload(blur(large(img), SIDE * UPLOAD_SCALE, between(r, 4, 6))),
  },
  {
    name: 'noise',
    // Gaussian noise σ 0.1–0.2 on every pixel: a grainy photo.
    apply: (img, r) => {
      const sigma = between(r, 0.1, 0.2);
      const noisy = img.map((v) => {
        const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        return v + g * sigma;
      });
      return upload(large(clamp01(noisy)));
    },
  },
  {
    name: 'invert',
    // Bright ink on a dark background (a chalkboard, a dark-mode canvas).
    apply: (img) => ({ side: SIDE * UPLOAD_SCALE, pixels: large(img), darkInk: false }),
  },
  {
    name: 'lowres-8',
    apply: (img) => upload(lowRes(img, 8)),
  },
  {
    name: 'lowres-16',
    apply: (img) => upload(lowRes(img, 16)),
  },
  {
    name: 'jpeg',
    jpeg: true,
    // Quality 10–25: a heavily compressed photo.
    apply: (img, r) => ({ ...upload(large(img)), jpegQuality: Math.round(between(r, 10, 25)) }),
  },
];

/** The suite without its JPEG corruption: what the trainer scores (see src/robust/model-scores.ts). */
export const PNG_CORRUPTIONS: readonly Corruption[] = CORRUPTIONS.filter((c) => !c.jpeg);

/** The uncorrupted digit, rendered as an upload the same way: the baseline the suite is compared with. */
export const CLEAN: Corruption = { name: 'clean', apply: (img) => upload(large(img)) };
