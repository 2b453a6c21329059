/**
 * Conv2DBackpropInput for the wasm backend: the stock kernel is a naive loop (about half of a
 * training step of the digits CNN). For stride 1 the input gradient is a forward convolution of
 * dy with the filter flipped spatially and transposed in/out ([kh, kw, outC, inC]), padded so
 * the output has the input's size — which XNNPACK does fast. Strided cases keep the stock kernel.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  Reverse,
  Transpose,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import {
  release,
  replacing,
  run,
  wasmKernel,
  wasmKernelConfig,
  type BackendWasm,
  type Conv2DGradAttrs,
} from './wasm-kernel-calls';

interface InputGradAttrs extends Conv2DGradAttrs {
  inputShape: [number, number, number, number];
}

export function conv2DBackpropInputConfig(): KernelConfig {
  const stockConfig = wasmKernelConfig(Conv2DBackpropInput);
  const stock = stockConfig.kernelFunc;
  const conv2d = wasmKernel(Conv2D);
  const transpose = wasmKernel(Transpose);
  const reverse = wasmKernel(Reverse);

  const kernelFunc = (args: {
    inputs: Record<string, TensorInfo>;
    backend: BackendWasm;
    attrs: NamedAttrMap;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy!;
    const filter = inputs.filter!;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as InputGradAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    if (dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1) return stock(args) as TensorInfo;

    const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
    const top = kh - 1 - padInfo.top;
    const left = kw - 1 - padInfo.left;
    const bottom = inHeight - outHeight + kh - 1 - top;
    const right = inWidth - outWidth + kw - 1 - left;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) return stock(args) as TensorInfo;

    const transposed = run(transpose, backend, { x: filter }, { perm: [0, 1, 3, 2] });
    const flipped = run(reverse, backend, { x: transposed }, { dims: [0, 1] });
    const dx = run(conv2d, backend, { x: dy, filter: flipped }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    } as unknown as NamedAttrMap);
    release(backend, transposed, flipped);
    return dx;
  };
  return replacing(stockConfig, kernelFunc);
}
