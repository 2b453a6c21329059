/**
 * Helpers for kernels composed from other wasm kernels: they call the registered kernel
 * functions directly (as the wasm backend's own composite kernels do), outside the engine, so
 * intermediates are plain TensorInfos that must be released here.
 */
import {
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };
/** Attributes both convolution-gradient kernels receive (tfjs Conv2DBackpropFilter/Input). */
export interface Conv2DGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export type WasmKernelArgs = { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs?: NamedAttrMap };

/** The kernel registered for `name` on wasm now (capture before replacing it). */
export function wasmKernelConfig(name: string): KernelConfig {
  const config = getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm backend has no ${name} kernel (is @tensorflow/tfjs-backend-wasm imported?)`);
  return config;
}

/**
 * A project kernel registered in place of the stock one: same name, and the stock kernel's setup
 * (binding its wasm function) still runs, as the cases a replacement hands back to it need.
 */
export function replacing<Args>(stock: KernelConfig, kernelFunc: (args: Args) => TensorInfo): KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

export function wasmKernel(name: string): KernelFunc {
  return wasmKernelConfig(name).kernelFunc;
}

export function run(
  kernel: KernelFunc,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  return kernel({ inputs, backend, attrs }) as TensorInfo;
}

export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A Float32Array view of a tensor on the wasm heap (re-take after any allocation: the heap can grow). */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}
