let sumBuffer = new Float64Array(0);

/** `n` zeros, in memory reused from one resize to the next (only the 28×28 result leaves). */
function sums(n: number): Float64Array {
  if (sumBuffer.length < n) sumBuffer = new Float64Array(n);
  return sumBuffer.fill(0, 0, n);
}

/**
 * Separable resize with a triangle (tent) filter widened by the scale factor when shrinking — the
 * antialiased "bilinear" of PIL's resize: area-averaging when downscaling, bilinear when enlarging.
 * `spans`, when given, holds each source row's (first, end) columns outside which it is zero.
 */
export function resize(
  src: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  spans?: Int32Array,
): Float32Array {
  const horizontal = filterWeights(width, outWidth, HORIZONTAL);
  const vertical = filterWeights(height, outHeight, VERTICAL);
  // Vertical pass first: each output row is a weighted sum of whole source rows (contiguous
  // multiply-adds), so the gathering horizontal pass runs over outHeight rows, not height.
  // Only each source row's span is added (the rest is zero): a digit's rows are mostly background.
  const rows = sums(width * outHeight); // no float32 rounding on each add
  const { start: vs, count: vc, weights: vw, taps: vt } = vertical;
  for (let y = 0; y < outHeight; y++) {
    const to = y * width;
    for (let k = 0, n = vc[y]!; k < n; k++) {
      const w = vw[y * vt + k]!;
      const r = vs[y]! + k;
      const from = r * width;
      const end = spans ? spans[2 * r + 1]! : width;
      for (let x = spans ? spans[2 * r]! : 0; x < end; x++) rows[to + x]! += w * src[from + x]!;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  const { start: hs, count: hc, weights: hw, taps: ht } = horizontal;
  for (let y = 0; y < outHeight; y++) {
    const row = y * width;
    for (let x = 0; x < outWidth; x++) {
      const from = row + hs[x]!;
      const w = x * ht;
      let sum = 0;
      for (let k = 0, n = hc[x]!; k < n; k++) sum += hw[w + k]! * rows[from + k]!;
      out[y * outWidth + x] = sum;
    }
  }
  return out;
}

/** Each output pixel's first source pixel, tap count and weights (`taps` slots each, in one flat array). */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  taps: number;
}

/** Each axis's taps, reused from one resize to the next (resizing is synchronous). */
const HORIZONTAL: Taps = { start: new Int32Array(0), count: new Int32Array(0), weights: new Float64Array(0), taps: 0 };
const VERTICAL: Taps = { start: new Int32Array(0), count: new Int32Array(0), weights: new Float64Array(0), taps: 0 };

function filterWeights(inSize: number, outSize: number, result: Taps): Taps {
  const scale = inSize / outSize;
  const support = Math.max(scale, 1);
  const taps = Math.ceil(support) * 2 + 2;
  if (result.start.length < outSize) {
    result.start = new Int32Array(outSize);
    result.count = new Int32Array(outSize);
  }
  if (result.weights.length < outSize * taps) result.weights = new Float64Array(outSize * taps);
  result.taps = taps;
  const all = result.weights;
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(0, Math.floor(centre - support));
    const end = Math.min(inSize, Math.ceil(centre + support));
    const at = o * taps - start;
    let total = 0;
    for (let i = start; i < end; i++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      all[at + i] = w;
      total += w;
    }
    if (total === 0) {
      // A single source pixel narrower than the filter: take it whole.
      all.fill(0, at + start, at + end);
      all[at + Math.min(Math.floor(centre), end - 1)] = 1;
      total = 1;
    }
    for (let i = start; i < end; i++) all[at + i]! /= total;
    result.start[o] = start;
    result.count[o] = end - start;
  }
  return result;
}
