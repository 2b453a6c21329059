/**
 * Project kernels for the wasm backend: the one it lacks for training a CNN
 * (Conv2DBackpropFilter) and faster replacements for slow stock training kernels.
 * Each agrees with the cpu backend (test/kernels/).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { batchMatMulConfig } from './batch-mat-mul';

let registered = false;

/** Register (or replace) the project's wasm kernels. Call after importing @tensorflow/tfjs-backend-wasm. */
export function registerWasmKernels(): void {
  if (registered) return;
  // Build every config first: they capture the stock kernels they are composed of.
  const configs: KernelConfig[] = [
    conv2DBackpropFilterConfig(),
    conv2DBackpropInputConfig(),
    maxPoolGradConfig(),
    batchMatMulConfig(),
  ];
  for (const config of configs) {
    if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  registered = true;
}
