/**
 * Identity, and Cast to the dtype a tensor already has, for the wasm backend without copying: the
 * result shares the input's memory by reference count, as the cpu backend's Identity does (and
 * wasm's own Reshape). The stock kernels copy it: a training step makes ~20 such copies, 4 of
 * them of the first convolution's 128 × 24 × 24 × 16 activations (~4 ms a step measured). Sharing
 * is safe because no kernel writes into its inputs and tfjs's Variable.assign rebinds instead of
 * writing in place (the trainer's FusedAdam too).
 */
import { Cast, Identity, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';
import { replacing, wasmKernelConfig, type BackendWasm, type WasmKernelArgs } from './wasm-kernel-calls';

function share(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityConfig(): KernelConfig {
  const stockConfig = wasmKernelConfig(Identity);
  return replacing(stockConfig, (args: WasmKernelArgs): TensorInfo => {
    const x = args.inputs.x!;
    return x.dtype === 'string' ? (stockConfig.kernelFunc(args) as TensorInfo) : share(args.backend, x);
  });
}

export function castConfig(): KernelConfig {
  const stockConfig = wasmKernelConfig(Cast);
  return replacing(stockConfig, (args: WasmKernelArgs): TensorInfo => {
    const x = args.inputs.x!;
    const { dtype } = args.attrs as { dtype: string };
    return dtype === x.dtype && dtype !== 'string'
      ? share(args.backend, x)
      : (stockConfig.kernelFunc(args) as TensorInfo);
  });
}
