import * as tf from '@tensorflow/tfjs';

/**
 * Pick and initialise the tfjs backend: tfjs-node when installed (the cloud image), otherwise
 * the wasm backend (SIMD) that installs offline. Returns the backend name in use.
 * (Owned by the training work: kernels and threading are registered here.)
 */
export async function initBackend(): Promise<string> {
  if (tryRequire('@tensorflow/tfjs-node')) {
    await tf.setBackend('tensorflow');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = require('node:path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${dir}/dist/`);
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
