/**
 * The baseline the normaliser is measured against (`pnpm bench:robust --normaliser plain`): what a
 * server without it would do — decode the upload, take dark ink on a light background as given
 * (no polarity check), and resize the whole square image to 28×28, with no crop to the ink, no
 * scaling of the digit to MNIST's 20×20 box and no centring on its centre of mass.
 */
import { decodeGrey } from '@digits/normalise';
import { SIDE, resize } from './corruptions';

export function plainResize(bytes: Uint8Array): Float32Array {
  const { width, height, luma } = decodeGrey(bytes);
  if (width !== height) throw new RangeError(`plain resize takes square images, got ${width}×${height}`);
  return resize(
    luma.map((v) => 1 - v),
    width,
    SIDE,
  );
}
