/**
 * Run the same computation on the cpu backend (the reference) and on wasm with the project's
 * kernels, from the same seeded inputs, and return both results as flat arrays.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src/backend';

export async function useWasmAndCpu(): Promise<void> {
  tf.env().set('PROD', true); // no "install tfjs-node" hints, no debug checks
  const backend = await initBackend();
  if (backend !== 'wasm') throw new Error(`expected the wasm backend, got ${backend}`);
}

export function seeded(shape: number[], seed: number): Float32Array {
  // A small LCG so inputs are reproducible on any backend.
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Evaluate `fn` on each backend; returns the flat outputs [cpu, wasm] per returned tensor. */
export async function onBothBackends(
  fn: () => tf.Tensor[],
): Promise<Array<{ cpu: Float32Array; wasm: Float32Array; shape: number[] }>> {
  const results: Record<string, Array<{ data: Float32Array; shape: number[] }>> = {};
  for (const name of ['cpu', 'wasm']) {
    await tf.setBackend(name);
    const tensors = tf.tidy(fn);
    results[name] = tensors.map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
    tf.dispose(tensors);
  }
  return results.cpu!.map((c, i) => ({ cpu: c.data, wasm: results.wasm![i]!.data, shape: c.shape }));
}

/** Largest |a-b| relative to max(1, |a|): gradients here are O(1)–O(100). */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return worst;
}
