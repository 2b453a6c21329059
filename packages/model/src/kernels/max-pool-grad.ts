/**
 * MaxPoolGrad for the wasm backend as a plain loop over the wasm heap (the stock kernel loops
 * over every input pixel and rescans each window covering it). Each window's dy goes to its
 * first maximum in row-major window order — the cpu backend's rule, which matters for ties
 * (e.g. all-zero windows after ReLU). The model's pools (2×2, stride 2, channels a multiple of 4)
 * take SimdKernels.maxPoolGrad2x2; other channel counts the plain loops below.
 */
import { backend_util, MaxPoolGrad, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import { SimdKernels } from './simd-kernels';
import { heapF32, replacing, wasmKernelConfig, type BackendWasm } from './wasm-kernel-calls';

interface PoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGradConfig(): KernelConfig {
  const stockConfig = wasmKernelConfig(MaxPoolGrad);
  const kernelFunc = (args: {
    inputs: Record<string, TensorInfo>;
    backend: BackendWasm;
    attrs: NamedAttrMap;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy!;
    const input = inputs.input!;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return stockConfig.kernelFunc(args) as TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolGradAttrs;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const {
      batchSize,
      inHeight,
      inWidth,
      inChannels: C,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      effectiveFilterHeight: fh,
      effectiveFilterWidth: fw,
    } = info;
    const { top, left } = info.padInfo;

    const out = backend.makeOutput(input.shape, 'float32');
    // Views after the allocation: it may have grown (and so moved) the heap.
    const dx = heapF32(backend, out);
    const x = heapF32(backend, input);
    const g = heapF32(backend, dy);
    // 2×2 windows at stride 2, none in the padding: they do not overlap.
    const disjointPairs =
      fh === 2 &&
      fw === 2 &&
      strideHeight === 2 &&
      strideWidth === 2 &&
      top === 0 &&
      left === 0 &&
      outHeight * 2 <= inHeight &&
      outWidth * 2 <= inWidth;
    const pairs = { batch: batchSize, inHeight, inWidth, channels: C, outHeight, outWidth };
    if (disjointPairs && SimdKernels.poolGrad2x2Fits(pairs)) {
      SimdKernels.of(backend).maxPoolGrad2x2(x, g, dx, pairs);
      return out;
    }
    dx.fill(0);
    if (disjointPairs) {
      disjointPairsGrad(x, g, dx, batchSize, inHeight, inWidth, C, outHeight, outWidth);
      return out;
    }
    const maxVal = new Float32Array(C);
    const maxIdx = new Int32Array(C);
    let gi = 0;
    for (let b = 0; b < batchSize; b++) {
      const bBase = b * inHeight * inWidth * C;
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = oy * strideHeight - top;
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = ox * strideWidth - left;
          // The first pixel of the window seeds the maxima (no per-window fill); later ones
          // replace them only when strictly greater, so ties keep the first.
          let first = true;
          for (let wy = Math.max(0, -y0); wy < fh && y0 + wy < inHeight; wy++) {
            for (let wx = Math.max(0, -x0); wx < fw && x0 + wx < inWidth; wx++) {
              const base = bBase + ((y0 + wy) * inWidth + (x0 + wx)) * C;
              if (first) {
                for (let c = 0; c < C; c++) {
                  maxVal[c] = x[base + c]!;
                  maxIdx[c] = base + c;
                }
                first = false;
              } else {
                for (let c = 0; c < C; c++) {
                  const v = x[base + c]!;
                  if (v > maxVal[c]!) {
                    maxVal[c] = v;
                    maxIdx[c] = base + c;
                  }
                }
              }
            }
          }
          if (first) {
            gi += C; // a window entirely in the padding: its dy goes nowhere
            continue;
          }
          for (let c = 0; c < C; c++, gi++) dx[maxIdx[c]!]! += g[gi]!;
        }
      }
    }
    return out;
  };
  return replacing(stockConfig, kernelFunc);
}

/**
 * The common case (the model's pools): 2×2 windows at stride 2, none in the padding. Windows do
 * not overlap, so each window's dy is written (not added) to its first maximum, compared in place
 * with no per-channel scratch arrays: the first pool's gradient took 4.5 ms a step against the
 * general loop's 6.9–7.3 (`pnpm bench:train-kernels`, load average ~3).
 */
function disjointPairsGrad(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  C: number,
  outHeight: number,
  outWidth: number,
): void {
  const down = inWidth * C;
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    const bBase = b * inHeight * down;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const base = bBase + 2 * oy * down + 2 * ox * C;
        for (let c = 0; c < C; c++, gi++) {
          // Row-major window order; only a strictly greater value moves the maximum (ties keep the first).
          const a = base + c;
          let best = a;
          let max = x[a]!;
          let v = x[a + C]!;
          if (v > max) {
            max = v;
            best = a + C;
          }
          v = x[a + down]!;
          if (v > max) {
            max = v;
            best = a + down;
          }
          if (x[a + down + C]! > max) best = a + down + C;
          dx[best] = g[gi]!;
        }
      }
    }
  }
}
