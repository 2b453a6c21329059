/**
 * Run tfjs-backend-wasm's threaded SIMD build in Node. As shipped it is browser-only:
 * - the WASM_HAS_MULTITHREAD_SUPPORT flag answers false for Node, so we set it;
 * - the pthread worker script is handed to `new Worker` as a blob: URL, which Node's
 *   worker_threads cannot load, and the worker then loads the module script from another Blob.
 * While the backend initialises we record the text of the Blobs it builds, write both scripts to
 * files, and hand out file paths instead; the module script gets the bundle-internal names
 * (require$$N, commonjsGlobal, _scriptDir) it refers to outside its own function text.
 * XNNPACK then computes with `threads` threads (its default is half the logical cores).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const MODULE_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';
/** The bundle-internal module names tf-backend-wasm.node.js 4.22's module script refers to. */
const BUNDLE_REQUIRES = 'require$$0,require$$1,require$$3,require$$4';

const DIR_PREFIX = 'digits-tfjs-wasm-';

/**
 * Remove the script folders of processes that no longer run (`digits-tfjs-wasm-<pid>-…`): a killed
 * process cannot remove its own, and tests and restarts kill many. A folder whose pid runs (maybe
 * reused by another program) is left alone, as is one we may not remove.
 */
export function removeDeadProcessDirs(parent: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = /^digits-tfjs-wasm-(\d+)-\w+$/.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another user's, or gone already
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // runs, under another user
  }
}

export async function initThreadedWasm(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  threads: number,
): Promise<void> {
  removeDeadProcessDirs(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  // Not on SIGKILL: removeDeadProcessDirs clears what a killed process left.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const modulePath = join(dir, 'wasm-module.js');
  const workerPath = join(dir, 'wasm-worker.js');

  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const texts = new WeakMap<Blob, string>();
  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      const text = (parts ?? []).map((p) => (typeof p === 'string' ? p : '')).join('');
      texts.set(this, text);
      if (text.startsWith(MODULE_SCRIPT_PREFIX)) {
        // A worker that fails to load takes the whole process down, so refuse (and let the
        // caller fall back to one thread) unless the script refers to exactly the names we define.
        const used = [...new Set(text.match(/\brequire\$\$\w+/g) ?? [])].sort().join(',');
        if (used !== BUNDLE_REQUIRES)
          throw new Error(`unexpected threaded wasm module script (it uses ${used || 'no'} bundle requires)`);
        const names = `var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis, _scriptDir = ${JSON.stringify(modulePath)};\n`;
        writeFileSync(modulePath, names + text);
      }
    }
  }
  URL.createObjectURL = (obj: Blob) => {
    const text = texts.get(obj);
    if (text === undefined || text.startsWith(MODULE_SCRIPT_PREFIX)) return originalCreateObjectURL(obj);
    // The worker script: inside the worker, "createObjectURL(module Blob)" must give the module file.
    const override = `URL.createObjectURL = () => ${JSON.stringify(modulePath)}; URL.revokeObjectURL = () => {};`;
    const strict = '"use strict";';
    writeFileSync(
      workerPath,
      text.startsWith(strict) ? `${strict}${override}${text.slice(strict.length)}` : `${override}${text}`,
    );
    return workerPath;
  };
  // The C++ side caps its pool at half the logical cores Emscripten reports (os.cpus() in
  // Node), assuming two hyper-threads per core: on a 2-vCPU machine that is 1 thread.
  const originalCpus = os.cpus;
  os.cpus = () => {
    const real = originalCpus();
    return Array.from({ length: Math.max(real.length, threads * 2) }, (_, i) => real[i % real.length]!);
  };
  globalThis.Blob = RecordingBlob as typeof Blob;
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm')))
      throw new Error('the threaded wasm backend failed to initialise (see the warning above)');
    // Emscripten refs the workers running XNNPACK's pool threads, which then keep Node alive
    // forever; unref them so a finished program exits on its own.
    const pthreads = (tf.backend() as unknown as { wasm: { PThread?: { runningWorkers: Array<{ unref(): void }> } } })
      .wasm.PThread;
    for (const worker of pthreads?.runningWorkers ?? []) worker.unref();
  } finally {
    globalThis.Blob = OriginalBlob;
    os.cpus = originalCpus;
    URL.createObjectURL = originalCreateObjectURL;
  }
}
