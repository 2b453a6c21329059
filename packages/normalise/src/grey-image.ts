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
}

/** Luma of an 8-bit grey sample, as the RGBA path computes it from R = G = B. */
export const GREY_LUMA: Float32Array = Float32Array.from({ length: 256 }, (_, v) => luma(v, v, v));

export function luma(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/** A GreyImage from 8-bit RGBA (what jpeg-js gives). */
export function greyFromRgba(width: number, height: number, rgba: Uint8Array): GreyImage {
  const n = width * height;
  const grey = new Float32Array(n);
  const alpha = new Uint8Array(n);
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
