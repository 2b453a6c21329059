/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (so a CNN cannot `fit`).
 *
 * dW[i,j,c,o] = Σ_b,y,x xPadded[b, y·sh+i, x·sw+j, c] · dy[b,y,x,o] is itself a forward
 * convolution: treat the input's channels as a batch (x → [inC, H, W, batch]) and dy as the
 * filter (dy → [outH, outW, batch, outC]) with dilation = the original stride. The result
 * [inC, ≥kh, ≥kw, outC] is cropped to the filter size and transposed to [kh, kw, inC, outC].
 * That lets XNNPACK's fast convolution do the work — except for the model's first convolution
 * (one input channel, stride 1, valid), where XNNPACK packs dy as a new 1.2 M-weight filter every
 * step: SimdKernels.filterGradC1 (hand-written SIMD, in place on the heap) computes that case.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  PadV2,
  Slice,
  Transpose,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { SimdKernels, type FilterGradC1Shape } from './simd-kernels';
import { heapF32, release, run, wasmKernel, type BackendWasm, type Conv2DGradAttrs } from './wasm-kernel-calls';

interface FilterGradAttrs extends Conv2DGradAttrs {
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilterConfig(): KernelConfig {
  const conv2d = wasmKernel(Conv2D);
  const transpose = wasmKernel(Transpose);
  const pad = wasmKernel(PadV2);
  const slice = wasmKernel(Slice);

  const kernelFunc = ({
    inputs,
    backend,
    attrs,
  }: {
    inputs: Record<string, TensorInfo>;
    backend: BackendWasm;
    attrs: NamedAttrMap;
  }): TensorInfo => {
    const x = inputs.x!;
    const dy = inputs.dy!;
    const { strides, pad: padding, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as FilterGradAttrs;
    if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports only NHWC (channelsLast)');
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      padding,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const oneChannel = oneChannelValid(info);
    if (oneChannel) {
      const dw = backend.makeOutput(filterShape, 'float32');
      // Views after the allocation: it may have grown (and so moved) the heap.
      SimdKernels.of(backend).filterGradC1(heapF32(backend, x), heapF32(backend, dy), heapF32(backend, dw), oneChannel);
      return dw;
    }
    const padded =
      top || bottom || left || right
        ? run(
            pad,
            backend,
            { x },
            {
              paddings: [
                [0, 0],
                [top, bottom],
                [left, right],
                [0, 0],
              ],
              constantValue: 0,
            },
          )
        : null;
    const xT = run(transpose, backend, { x: padded ?? x }, { perm: [3, 1, 2, 0] });
    const dyT = run(transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] });
    const full = run(conv2d, backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined as unknown as string,
    } as NamedAttrMap);
    const cropped = run(
      slice,
      backend,
      { x: full },
      { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] },
    );
    const dw = run(transpose, backend, { x: cropped }, { perm: [1, 2, 0, 3] });
    release(backend, xT, dyT, full, cropped, ...(padded ? [padded] : []));
    return dw;
  };
  return { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** The shape filterGradC1 takes, when this convolution is one it computes. */
function oneChannelValid(info: backend_util.Conv2DInfo): FilterGradC1Shape | undefined {
  const { top, bottom, left, right } = info.padInfo;
  const shape: FilterGradC1Shape = {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outChannels: info.outChannels,
  };
  // The info was computed with dilation 1; stride 1 and no padding make the output h-kh+1 × w-kw+1.
  const plain =
    info.inChannels === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top + bottom + left + right === 0;
  return plain && SimdKernels.filterGradC1Fits(shape) ? shape : undefined;
}
