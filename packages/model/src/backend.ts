import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './kernels';

/**
 * Pick and initialise the tfjs backend: tfjs-node when installed (the cloud image), otherwise
 * the wasm backend (SIMD) that installs offline, with the project's training kernels
 * registered. Returns the backend name in use.
 */
export async function initBackend(): Promise<string> {
  if (tryRequire('@tensorflow/tfjs-node')) {
    await tf.setBackend('tensorflow');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = require('node:path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${dir}/dist/`);
    registerWasmKernels();
    await tf.setBackend('wasm');
  }
  await tf.ready();
  return tf.getBackend();
}

function tryRequire(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}
