/**
 * Project kernels for the wasm backend: the one it lacks for training a CNN
 * (Conv2DBackpropFilter) and faster replacements for slow stock training kernels (and for copies
 * the stock Identity and Cast make).
 * Each agrees with the cpu backend (test/kernels/).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { batchMatMulConfig } from './batch-mat-mul';
import { biasAddConfig } from './bias-add';
import { channelSumConfig } from './channel-sum';
import { castConfig, identityConfig } from './shared-data';

let registered = false;
/** The stock configs registerWasmKernels replaced, and its own, by kernel name. */
const stock = new Map<string, KernelConfig>();
const project = new Map<string, KernelConfig>();

/** Kernels that replace stock ones only for speed: without them a step computes the same, up to float rounding. */
export const ELEMENTWISE_REPLACEMENTS = ['Identity', 'Cast', 'Add', 'Sum'] as const;

/** Register (or replace) the project's wasm kernels. Call after importing @tensorflow/tfjs-backend-wasm. */
export function registerWasmKernels(): void {
  if (registered) return;
  // Build every config first: they capture the stock kernels they are composed of.
  const configs: KernelConfig[] = [
    conv2DBackpropFilterConfig(),
    conv2DBackpropInputConfig(),
    maxPoolGradConfig(),
    batchMatMulConfig(),
    identityConfig(),
    castConfig(),
    biasAddConfig(),
    channelSumConfig(),
  ];
  for (const config of configs) {
    const previous = getKernel(config.kernelName, 'wasm');
    if (previous) {
      stock.set(config.kernelName, previous);
      unregisterKernel(config.kernelName, 'wasm');
    }
    project.set(config.kernelName, config);
    registerKernel(config);
  }
  registered = true;
}

/**
 * Run the named kernels as the stock wasm backend has them (`'stock'`) or as the project's
 * (`'project'`, what registerWasmKernels set): for benchmarks that measure a replacement against
 * the kernel it replaced in the same run.
 */
export function useWasmKernels(names: readonly string[], which: 'stock' | 'project'): void {
  for (const name of names) {
    const config = (which === 'stock' ? stock : project).get(name);
    if (!config) throw new Error(`no ${which} wasm kernel ${name} (registerWasmKernels first)`);
    unregisterKernel(name, 'wasm');
    registerKernel(config);
  }
}
