/**
 * A proposed change to the /predict normaliser, measured by `pnpm bench:robust --normaliser
 * proposal`. packages/normalise is not this package's: this is the measurement, for its owner to
 * take or leave. Today the ink box is everything above 5 % of the ink's contrast, so a blurred or
 * low-resolution digit's faint halo widens it, and a noisy photo's grain makes it the whole frame:
 * either way the digit is shrunk (to ~14 px of 28 for noise). The proposal: (1) find the box above
 * 25 % of the contrast (the stretch keeps the 5 % floor); (2) when that box still spans nearly the
 * whole frame, take the frame as the digit's and resize it whole to 28×28 instead of boxing the
 * "ink" to 20 px.
 */
import { IMAGE_SIDE } from '@digits/common';
import { DigitInputError, INK_FLOOR, MIN_INK_CONTRAST, decodeGrey } from '@digits/normalise';
import { borderMedian, boxAndCentre, inkImage } from '@digits/normalise/src/digit';
import { resize } from '@digits/normalise/src/resample';

/** Fraction of the contrast above which a pixel counts for the ink's box. */
const BOX_FLOOR = 0.25;
/** A box this close to the frame's size in both directions is not a digit's: it is the frame. */
const WHOLE_FRAME = 0.9;

export function proposedNormalise(bytes: Uint8Array): Float32Array {
  const image = decodeGrey(bytes);
  const { width, height } = image;
  // inkImage says whether the ink is dark (centreDigit reads it as 1 − gray); here it is made bright.
  const ink = inkImage(image);
  const gray = ink.inverted ? ink.gray.map((v) => 1 - v) : ink.gray;
  const background = borderMedian(gray, width, height);
  const peak = gray.reduce((a, b) => (b > a ? b : a), 0);
  const contrast = peak - background;
  if (contrast < MIN_INK_CONTRAST) throw new DigitInputError('EMPTY', 'no ink found');
  const floor = background + INK_FLOOR * contrast;
  const boxFloor = background + BOX_FLOOR * contrast;
  const stretched = gray.map((v) => (v > floor ? Math.min(1, (v - floor) / (peak - floor)) : 0));
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (gray[y * width + x]! > boxFloor) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  if (cropW >= WHOLE_FRAME * width && cropH >= WHOLE_FRAME * height)
    return resize(stretched, width, height, IMAGE_SIDE, IMAGE_SIDE);
  const crop = new Float32Array(cropW * cropH);
  for (let y = 0; y < cropH; y++)
    crop.set(stretched.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + cropW), y * cropW);
  return boxAndCentre(crop, cropW, cropH);
}
