import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './kernels';
import { initThreadedWasm } from './kernels/threaded-wasm';
import { cpus } from 'node:os';
import { dirname } from 'node:path';

export interface BackendDetails {
  backend: string;
  /** Threads the backend computes with (wasm: XNNPACK's pool; 0 when unknown). */
  threads: number;
  versions: Record<string, string>;
}

let details: BackendDetails | undefined;

/**
 * Pick and initialise the tfjs backend: tfjs-node when installed (the cloud image), otherwise
 * the wasm backend (SIMD) that installs offline, with the project's training kernels
 * registered. Returns the backend name in use.
 */
export async function initBackend(): Promise<string> {
  if (details && tf.getBackend() === details.backend) return details.backend; // already chosen in this process
  const versions: Record<string, string> = { '@tensorflow/tfjs': tf.version.tfjs, node: process.version };
  let threads = 0;
  const tfNode = optionalModule<{ version?: Record<string, string> }>('@tensorflow/tfjs-node');
  if (tfNode) {
    await tf.setBackend('tensorflow');
    versions['@tensorflow/tfjs-node'] = String(tfNode.version?.['tfjs-node'] ?? 'unknown');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${dir}/dist/`);
    registerWasmKernels();
    const wanted = wasmThreads();
    let threaded = false;
    if (wanted > 1) {
      try {
        await initThreadedWasm(wasm, wanted);
        threaded = true;
      } catch (e) {
        // e.g. a bundler renamed what the threaded build's worker needs: run single-threaded.
        process.stderr.write(`threaded wasm backend unavailable (${(e as Error).message}); using one thread\n`);
      }
    }
    if (!threaded) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    }
    await tf.ready();
    threads = wasm.getThreadsCount();
    versions['@tensorflow/tfjs-backend-wasm'] = wasm.version_wasm;
  }
  await tf.ready();
  details = { backend: tf.getBackend(), threads, versions };
  return tf.getBackend();
}

/** What initBackend chose (for model metadata and benchmarks). */
export function backendDetails(): BackendDetails {
  if (!details) throw new Error('initBackend() has not run');
  return details;
}

/** Threads for the wasm backend: $DIGITS_WASM_THREADS, else one per logical core (at most 4). */
export const WASM_THREADS_ENV = 'DIGITS_WASM_THREADS';
function wasmThreads(): number {
  const raw = process.env[WASM_THREADS_ENV];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new Error(`${WASM_THREADS_ENV}=${raw} must be an integer from 1 to 64`);
    return n;
  }
  return Math.min(4, cpus().length);
}

/** A module that only some installs have (tfjs-node is in the cloud image only), or undefined. */
function optionalModule<T>(name: string): T | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: a static import fails where it is not installed
    return require(name) as T;
  } catch {
    return undefined;
  }
}
