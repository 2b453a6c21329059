/**
 * Separable resize with a triangle (tent) filter widened by the scale factor when shrinking — the
 * antialiased "bilinear" of PIL's resize: area-averaging when downscaling, bilinear when enlarging.
 */
export function resize(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const horizontal = filterWeights(width, outWidth);
  const vertical = filterWeights(height, outHeight);
  const rows = new Float32Array(outWidth * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = horizontal[x]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * src[y * width + start + k]!;
      rows[y * outWidth + x] = sum;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const { start, weights } = vertical[y]!;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * rows[(start + k) * outWidth + x]!;
      out[y * outWidth + x] = sum;
    }
  }
  return out;
}

interface Taps {
  start: number;
  weights: Float64Array;
}

function filterWeights(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1);
  const taps: Taps[] = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(0, Math.floor(centre - support));
    const end = Math.min(inSize, Math.ceil(centre + support));
    const weights = new Float64Array(end - start);
    let total = 0;
    for (let i = start; i < end; i++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      weights[i - start] = w;
      total += w;
    }
    if (total === 0) {
      // A single source pixel narrower than the filter: take it whole.
      weights.fill(0);
      weights[Math.min(Math.floor(centre), end - 1) - start] = 1;
      total = 1;
    }
    for (let k = 0; k < weights.length; k++) weights[k]! /= total;
    taps.push({ start, weights });
  }
  return taps;
}
