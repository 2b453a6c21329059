/**
 * BatchMatMul for the wasm backend with transposeA/transposeB done as an explicit Transpose
 * first: the stock kernel's transposed paths are naive loops (~10× slower than transposing and
 * multiplying), and the dense layers' gradients need exactly those (xᵀ·dy and dy·Wᵀ).
 */
import { BatchMatMul, Transpose, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import { release, replacing, run, wasmKernel, wasmKernelConfig, type BackendWasm } from './wasm-kernel-calls';

export function batchMatMulConfig(): KernelConfig {
  const stockConfig = wasmKernelConfig(BatchMatMul);
  const transpose = wasmKernel(Transpose);

  const swapLastTwo = (backend: BackendWasm, t: TensorInfo): TensorInfo => {
    const rank = t.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return run(transpose, backend, { x: t }, { perm });
  };

  const kernelFunc = (args: {
    inputs: Record<string, TensorInfo>;
    backend: BackendWasm;
    attrs: NamedAttrMap;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stockConfig.kernelFunc(args) as TensorInfo;
    const a = transposeA ? swapLastTwo(backend, inputs.a!) : inputs.a!;
    const b = transposeB ? swapLastTwo(backend, inputs.b!) : inputs.b!;
    const out = stockConfig.kernelFunc({
      inputs: { a, b },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    release(backend, ...(transposeA ? [a] : []), ...(transposeB ? [b] : []));
    return out;
  };
  return replacing(stockConfig, kernelFunc);
}
