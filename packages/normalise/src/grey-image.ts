/**
 * One channel of what an image shows, all the normaliser needs: luma (0..1) and, when the image
 * can be transparent, alpha (0..255). Built straight from a PNG's rows or from decoded RGBA, with
 * the same rounding as the RGBA path (8-bit samples, then ITU-R 601 luma) so both agree exactly.
 */
export interface GreyImage {
  width: number;
  height: number;
  /** width × height luma values in 0..1, row-major: (0.299 R + 0.587 G + 0.114 B) / 255. */
  luma: Float32Array;
  /** width × height alpha values 0..255, or null when every pixel is opaque. */
  alpha: Uint8Array | null;
  /**
   * Where the decoder knows it (a canvas PNG's empty "Up" rows), 1 for each row that repeats the
   * one above, 0 for the others (which may repeat it too); absent when it does not know.
   */
  rowRepeats?: Uint8Array;
}

/** Luma of an 8-bit grey sample, as the RGBA path computes it from R = G = B. */
export const GREY_LUMA: Float32Array = Float32Array.from({ length: 256 }, (_, v) => luma(v, v, v));

export function luma(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/** Where a decoder puts luma and alpha, and centreDigit the ink crop (their users write every element). */
export interface GreyBuffers {
  luma(n: number): Float32Array;
  alpha(n: number): Uint8Array;
  crop(n: number): Float32Array;
  rows(n: number): Uint8Array;
}

export const FRESH_BUFFERS: GreyBuffers = {
  luma: (n) => new Float32Array(n),
  alpha: (n) => new Uint8Array(n),
  crop: (n) => new Float32Array(n),
  rows: (n) => new Uint8Array(n),
};

/**
 * Grow-only buffers reused from one image to the next (views into them last until the next use).
 * Fresh memory is what a large image costs most on a Firecracker VM (this machine and Lambda
 * alike): each new 4 KiB page faults to the host, ~25 ns a pixel of luma + alpha measured here,
 * against 1.5 ns to fill memory already touched. Holds at most MAX_IMAGE_PIXELS × 9 bytes.
 */
export class ReusedBuffers implements GreyBuffers {
  #luma = new Float32Array(0);
  #alpha = new Uint8Array(0);
  #crop = new Float32Array(0);
  #rows = new Uint8Array(0);

  luma(n: number): Float32Array {
    if (this.#luma.length < n) this.#luma = new Float32Array(n);
    return this.#luma.subarray(0, n);
  }

  alpha(n: number): Uint8Array {
    if (this.#alpha.length < n) this.#alpha = new Uint8Array(n);
    return this.#alpha.subarray(0, n);
  }

  crop(n: number): Float32Array {
    if (this.#crop.length < n) this.#crop = new Float32Array(n);
    return this.#crop.subarray(0, n);
  }

  rows(n: number): Uint8Array {
    if (this.#rows.length < n) this.#rows = new Uint8Array(n);
    return this.#rows.subarray(0, n);
  }
}

/** A GreyImage from 8-bit RGBA (what jpeg-js gives). */
export function greyFromRgba(
  width: number,
  height: number,
  rgba: Uint8Array,
  buffers: GreyBuffers = FRESH_BUFFERS,
): GreyImage {
  const n = width * height;
  const grey = buffers.luma(n);
  const alpha = buffers.alpha(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    grey[i] = luma(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!);
    alpha[i] = rgba[p + 3]!;
  }
  return { width, height, luma: grey, alpha: isOpaque(alpha) ? null : alpha };
}

export function isOpaque(alpha: Uint8Array): boolean {
  for (let i = 0; i < alpha.length; i++) if (alpha[i] !== 255) return false;
  return true;
}
