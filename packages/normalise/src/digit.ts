/**
 * Turn any PNG/JPEG of a handwritten digit into what the model saw in training, the MNIST
 * preparation: grayscale, ink bright on dark, cropped to the ink, longer side scaled to 20 px
 * (antialiased, aspect kept), placed in 28×28 so its centre of mass sits at the centre.
 * Works over one luma channel in place; only the crop around the ink is copied.
 */
import { IMAGE_SIDE, PIXELS } from '@digits/common';
import { decodeGrey } from './decode';
import { DigitInputError } from './errors';
import { FRESH_BUFFERS, ReusedBuffers, type GreyBuffers, type GreyImage } from './grey-image';
import { BOX_FLOOR, DIGIT_BOX, GRAIN_RUNS, HALO, HALO_PX, INK_FLOOR, MIN_INK_CONTRAST, WHOLE_FRAME } from './limits';
import { resize } from './resample';

export interface NormalisedDigit {
  /** 784 values in 0..1, row-major 28×28, ink bright on a dark background (MNIST layout). */
  pixels: Float32Array;
  /** Size of the source image. */
  width: number;
  height: number;
  /** True when the source was dark ink on a light background (and was inverted). */
  inverted: boolean;
}

/** Reused by every call: normalising is synchronous, and only the 28×28 result leaves it. */
const buffers = new ReusedBuffers();

export function normaliseImage(bytes: Uint8Array): NormalisedDigit {
  const image = decodeGrey(bytes, buffers);
  const { gray, inverted } = inkImage(image);
  return {
    pixels: centreDigit(gray, image.width, image.height, buffers, inverted, image.rowRepeats),
    width: image.width,
    height: image.height,
    inverted,
  };
}

/**
 * Grayscale 0..1 (the image's luma array, changed in place) and whether the ink is dark on a light
 * background, so that the ink is 1 − gray (centreDigit reads it so: no pass to invert it here).
 * Transparent pixels are composited over the colour that contrasts with the opaque content, so
 * black ink on a transparent canvas reads as ink.
 */
export function inkImage({ width, height, luma: gray, alpha }: GreyImage): { gray: Float32Array; inverted: boolean } {
  const n = width * height;
  if (alpha) {
    let opaque = 0;
    let opaqueLuma = 0;
    for (let i = 0; i < n; i++) {
      const a = alpha[i]! / 255;
      opaque += a;
      opaqueLuma += a * gray[i]!;
    }
    if (opaque === 0) throw new DigitInputError('EMPTY', 'the image is fully transparent: no ink found');
    const backdrop = opaqueLuma / opaque < 0.5 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const a = alpha[i]! / 255;
      gray[i] = a * gray[i]! + (1 - a) * backdrop;
    }
  }
  // The background is what the border mostly shows; MNIST wants it dark.
  const inverted = borderMedian(gray, width, height) > 0.5;
  return { gray, inverted };
}

/**
 * Stretch ink to 0..1 over the background, crop to it, scale to 20 px and centre by mass in 28×28.
 * The ink is `gray`, or 1 − gray when `inverted` (read as base + sign × gray throughout).
 */
export function centreDigit(
  gray: Float32Array,
  width: number,
  height: number,
  buffers: GreyBuffers = FRESH_BUFFERS,
  inverted = false,
  rowRepeats?: Uint8Array,
): Float32Array {
  const base = inverted ? 1 : 0;
  const sign = inverted ? -1 : 1;
  const background = borderMedian(gray, width, height, inverted);
  const rowPeak = rowPeaks(gray, width, height, inverted, rowRepeats);
  let peak = 0;
  for (let y = 0; y < height; y++) if (rowPeak[y]! > peak) peak = rowPeak[y]!;
  const contrast = peak - background;
  if (contrast < MIN_INK_CONTRAST) {
    throw new DigitInputError(
      'EMPTY',
      `no ink found: the image is blank (contrast ${contrast.toFixed(3)} < ${MIN_INK_CONTRAST})`,
    );
  }
  const floor = background + INK_FLOOR * contrast;
  const span = peak - floor;
  // The ink's box: everything above the floor, but a halo (a blur's, a low-resolution digit's)
  // reaches only HALO beyond the box above BOX_FLOOR of the contrast, as far as a clean
  // antialiased edge does, so that a faint halo does not shrink the digit.
  inkBoxes(gray, width, height, rowPeak, floor, background + BOX_FLOOR * contrast, base, sign);
  const halo = Math.max(HALO_PX, Math.ceil(HALO * Math.max(box25[2]! - box25[0]!, box25[3]! - box25[1]!)));
  let x0 = Math.max(box5[0]!, box25[0]! - halo);
  let y0 = Math.max(box5[1]!, box25[1]! - halo);
  let x1 = Math.min(box5[2]!, box25[2]! + halo);
  let y1 = Math.min(box5[3]!, box25[3]! + halo);
  // A box spanning nearly the whole frame both ways, with grain all along the border, is a noisy
  // photo's: its digit is taken to fill the frame, which is resized whole.
  const wholeFrame =
    box25[2]! - box25[0]! + 1 >= WHOLE_FRAME * width &&
    box25[3]! - box25[1]! + 1 >= WHOLE_FRAME * height &&
    grainyBorder(gray, width, height, floor, base, sign);
  if (wholeFrame) [x0, y0, x1, y1] = [0, 0, width - 1, height - 1];
  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  const crop = buffers.crop(cropW * cropH);
  const spans = stretchCrop(gray, width, x0, y0, cropW, cropH, crop, base, sign, floor, 1 / span);
  if (wholeFrame) return resize(crop, width, height, IMAGE_SIDE, IMAGE_SIDE, spans);

  return boxAndCentre(crop, cropW, cropH, spans);
}

/**
 * Each row's brightest ink: the peak, and then which rows hold ink at all. A row equal to the one
 * above (most of a canvas) has its peak: the decoder's `rowRepeats` say which when it knows, else
 * each row is compared natively, as bytes.
 */
function rowPeaks(
  gray: Float32Array,
  width: number,
  height: number,
  inverted: boolean,
  rowRepeats: Uint8Array | undefined,
): Float32Array {
  const rowPeak = new Float32Array(height);
  const bytes = Buffer.from(gray.buffer, gray.byteOffset, gray.byteLength);
  const rowBytes = width * 4;
  for (let y = 0; y < height; y++) {
    const repeats =
      y > 0 &&
      (rowRepeats
        ? rowRepeats[y] === 1
        : bytes.compare(bytes, y * rowBytes, (y + 1) * rowBytes, (y - 1) * rowBytes, y * rowBytes) === 0);
    if (repeats) {
      rowPeak[y] = rowPeak[y - 1]!;
      continue;
    }
    // The row's highest gray, or (inverted) 1 − its lowest.
    const start = y * width;
    rowPeak[y] = inverted ? Math.max(0, 1 - rowMin(gray, start, start + width)) : rowMax(gray, start, start + width);
  }
  return rowPeak;
}

function rowMin(gray: Float32Array, start: number, end: number): number {
  let low = 1;
  for (let i = start; i < end; i++) if (gray[i]! < low) low = gray[i]!;
  return low;
}

function rowMax(gray: Float32Array, start: number, end: number): number {
  let high = 0;
  for (let i = start; i < end; i++) if (gray[i]! > high) high = gray[i]!;
  return high;
}

/**
 * The crop's ink stretched to 0..1 over `floor` (into `crop`), and each crop row's ink span
 * (first, end) on the way, so that the resize skips the zeros around it.
 */
function stretchCrop(
  gray: Float32Array,
  width: number,
  x0: number,
  y0: number,
  cropW: number,
  cropH: number,
  crop: Float32Array,
  base: number,
  sign: number,
  floor: number,
  scale: number,
): Int32Array {
  const spans = rowSpans(cropH);
  for (let y = 0, o = 0; y < cropH; y++) {
    const from = (y0 + y) * width + x0;
    let first = cropW;
    let last = -1;
    for (let x = 0; x < cropW; x++, o++) {
      const v = base + sign * gray[from + x]! - floor;
      if (v > 0) {
        crop[o] = Math.min(1, v * scale);
        if (first === cropW) first = x;
        last = x;
      } else {
        crop[o] = 0;
      }
    }
    spans[2 * y] = first;
    spans[2 * y + 1] = last + 1;
  }
  return spans;
}

let spanBuffer = new Int32Array(0);

/** Room for `rows` (first, end) pairs, reused from one image to the next. */
function rowSpans(rows: number): Int32Array {
  if (spanBuffer.length < rows * 2) spanBuffer = new Int32Array(rows * 2);
  return spanBuffer;
}

/**
 * Bounding boxes [x0, y0, x1, y1] of the ink above `floor` (to box5) and above `high` (to box25),
 * in one pass: rows from their peaks, columns from each row's ends inwards, the scan for `high`
 * going on from where the one for `floor` stopped (nothing before it is above the floor).
 */
function inkBoxes(
  gray: Float32Array,
  width: number,
  height: number,
  rowPeak: Float32Array,
  floor: number,
  high: number,
  base: number,
  sign: number,
): void {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let hx0 = width;
  let hy0 = height;
  let hx1 = -1;
  let hy1 = -1;
  for (let y = 0; y < height; y++) {
    const top = rowPeak[y]!;
    if (top <= floor) continue;
    if (y0 === height) y0 = y;
    y1 = y;
    const row = y * width;
    // Only ink beyond a box so far can widen it: stop each scan where the box begins.
    let first = 0;
    while (first < x0 && base + sign * gray[row + first]! <= floor) first++;
    let last = width - 1;
    while (last > x1 && base + sign * gray[row + last]! <= floor) last--;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (top <= high) continue;
    if (hy0 === height) hy0 = y;
    hy1 = y;
    while (first < hx0 && base + sign * gray[row + first]! <= high) first++;
    while (last > hx1 && base + sign * gray[row + last]! <= high) last--;
    if (first < hx0) hx0 = first;
    if (last > hx1) hx1 = last;
  }
  box5[0] = x0;
  box5[1] = y0;
  box5[2] = x1;
  box5[3] = y1;
  box25[0] = hx0;
  box25[1] = hy0;
  box25[2] = hx1;
  box25[3] = hy1;
}

const box5 = new Int32Array(4);
const box25 = new Int32Array(4);

/**
 * Whether each side of the frame crosses the floor at least GRAIN_RUNS times (runs of pixels above
 * it): a photo's grain does, a drawing does not (a stroke of a few straight segments meets the
 * border in a few places only).
 */
function grainyBorder(
  gray: Float32Array,
  width: number,
  height: number,
  floor: number,
  base: number,
  sign: number,
): boolean {
  const runs = (start: number, step: number, count: number) => {
    let n = 0;
    let inside = false;
    for (let k = 0, i = start; k < count; k++, i += step) {
      const above = base + sign * gray[i]! > floor;
      if (above && !inside) n++;
      inside = above;
    }
    return n;
  };
  return (
    runs(0, 1, width) >= GRAIN_RUNS &&
    runs((height - 1) * width, 1, width) >= GRAIN_RUNS &&
    runs(0, width, height) >= GRAIN_RUNS &&
    runs(width - 1, width, height) >= GRAIN_RUNS
  );
}

/** The ink crop scaled so its longer side is 20 px (aspect kept), placed in 28×28 with its centre of mass at the centre. */
export function boxAndCentre(crop: Float32Array, cropW: number, cropH: number, spans?: Int32Array): Float32Array {
  const boxW = cropW >= cropH ? DIGIT_BOX : Math.max(1, Math.round((cropW * DIGIT_BOX) / cropH));
  const boxH = cropH >= cropW ? DIGIT_BOX : Math.max(1, Math.round((cropH * DIGIT_BOX) / cropW));
  const box = resize(crop, cropW, cropH, boxW, boxH, spans);

  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < boxH; y++) {
    for (let x = 0; x < boxW; x++) {
      const v = box[y * boxW + x]!;
      mass += v;
      mx += x * v;
      my += y * v;
    }
  }
  // MNIST's centres of mass average (14.0, 14.0) in pixel-index coordinates.
  const centre = IMAGE_SIDE / 2;
  const ox = clamp(Math.round(centre - mx / mass), 0, IMAGE_SIDE - boxW);
  const oy = clamp(Math.round(centre - my / mass), 0, IMAGE_SIDE - boxH);
  const out = new Float32Array(PIXELS);
  for (let y = 0; y < boxH; y++) {
    for (let x = 0; x < boxW; x++) out[(oy + y) * IMAGE_SIDE + ox + x] = Math.min(1, Math.max(0, box[y * boxW + x]!));
  }
  return out;
}

/** Median of the outermost ring of pixels (a 256-bin histogram is exact enough), of 1 − gray if `inverted`. */
export function borderMedian(gray: Float32Array, width: number, height: number, inverted = false): number {
  const bin = inverted ? (v: number) => binOf(1 - v) : binOf;
  const bins = new Uint32Array(256);
  const last = (height - 1) * width;
  for (let x = 0; x < width; x++) {
    bins[bin(gray[x]!)]!++;
    if (height > 1) bins[bin(gray[last + x]!)]!++;
  }
  for (let i = width; i < last; i += width) {
    bins[bin(gray[i]!)]!++;
    if (width > 1) bins[bin(gray[i + width - 1]!)]!++;
  }
  const count = width * (height > 1 ? 2 : 1) + Math.max(0, height - 2) * (width > 1 ? 2 : 1);
  let seen = 0;
  for (let b = 0; b < 256; b++) {
    seen += bins[b]!;
    if (seen * 2 >= count) return b / 255;
  }
  return 1;
}

const binOf = (v: number) => Math.min(255, Math.max(0, Math.round(v * 255)));

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
