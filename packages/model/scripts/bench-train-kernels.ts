/**
 * pnpm bench:train-kernels — where a training step's time goes, kernel by kernel (issue 11 goal 2:
 * "profile first"). The default model and optimiser take the trainer's own step (`trainStep`,
 * src/train/fit.ts) on real MNIST batches: first unprofiled, to measure images/s (beside the same
 * step with tfjs's own Adam, the reference FusedAdam replaced), then under tf.profile, which times
 * every kernel the step runs (forward, gradients and the optimiser's updates).
 * Options: --batch N (default 128, the default profile's), --steps N (default 30), --warmup N (5).
 * Prints a table, then one JSON line: `bench`, `imagesPerSecond`, `stepMs`,
 * `referenceImagesPerSecond` (tf.train.adam), `stockElementwiseImagesPerSecond` (the step with the
 * stock wasm Identity, Cast, Add and Sum the project's replace, in the same alternating blocks), the `kernels` with
 * their share of the profiled time, `backend`, `threads` and `loadAverage1m`.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES, PIXELS } from '@digits/common';
import { readMnistSplit } from '@digits/test-kit';
import { backendDetails, initBackend } from '../src/backend';
import { ELEMENTWISE_REPLACEMENTS, useWasmKernels } from '../src/kernels';
import { trainStep } from '../src/train/fit';
import { FusedAdam } from '../src/train/fused-adam';
import { buildClassifier } from '../src/train/model';
import { runBench } from './bench-models';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const batch = option('batch', 128);
  const steps = option('steps', 30);
  const warmup = option('warmup', 5);
  await initBackend();
  const { count, images, labels } = await readMnistSplit('train');
  const x = new Float32Array(batch * PIXELS);
  const y = new Float32Array(batch * NUM_CLASSES);
  let next = 0;
  /** The next `batch` MNIST rows, in file order, as the trainer feeds them (0..1 and one-hot). */
  const fill = () => {
    y.fill(0);
    for (let r = 0; r < batch; r++, next = (next + 1) % count) {
      for (let i = 0, pixels = PIXELS; i < pixels; i++) x[r * pixels + i] = images[next * pixels + i]! / 255;
      y[r * NUM_CLASSES + labels[next]!] = 1;
    }
  };
  /** A model and optimiser as the trainer makes them; `step(n)` takes the trainer's step n. */
  const trainer = (optimizer: tf.Optimizer) => {
    const classifier = buildClassifier(42);
    const variables = classifier.trainableVariables();
    return (n: number) => {
      fill();
      const { cost, logits } = trainStep(classifier, optimizer, variables, x, y, batch, n);
      cost.dataSync();
      logits.dataSync();
      tf.dispose([cost, logits]);
    };
  };
  // The trainer's optimiser (FusedAdam); as references in the same run, tfjs's own Adam and the
  // step with the stock wasm Identity, Cast, Add and Sum the project's replace (swapped in around
  // each of its steps, a few map operations): timed in alternating blocks so the machine's load
  // falls on all alike.
  const step = trainer(new FusedAdam(0.003));
  const reference = trainer(tf.train.adam(0.003));
  const stockElementwiseStep = trainer(new FusedAdam(0.003));
  const stockElementwise = (n: number) => {
    useWasmKernels(ELEMENTWISE_REPLACEMENTS, 'stock');
    try {
      stockElementwiseStep(n);
    } finally {
      useWasmKernels(ELEMENTWISE_REPLACEMENTS, 'project');
    }
  };
  const variants = [step, reference, stockElementwise];
  for (let n = 0; n < warmup; n++) for (const run of variants) run(n);
  const totals = variants.map(() => 0);
  const block = Math.max(1, Math.ceil(steps / 3));
  for (let done = 0; done < steps; done += block) {
    const n = Math.min(block, steps - done);
    for (const [v, run] of variants.entries()) {
      const started = performance.now();
      for (let k = 0; k < n; k++) run(warmup + done + k);
      totals[v]! += performance.now() - started;
    }
  }
  const stepMs = totals[0]! / steps;
  const referenceStepMs = totals[1]! / steps;
  const stockElementwiseStepMs = totals[2]! / steps;

  const byKernel = new Map<string, { ms: number; calls: number }>();
  let profiledMs = 0;
  for (let n = 0; n < steps; n++) {
    const info = await tf.profile(() => step(warmup + steps + n));
    for (const kernel of info.kernels) {
      // `…__op` entries are ops wrapping kernels listed on their own (e.g. a custom gradient's).
      if (kernel.name.endsWith('__op')) continue;
      const ms = Number(kernel.kernelTimeMs) || 0;
      const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls++;
      byKernel.set(kernel.name, entry);
      profiledMs += ms;
    }
  }
  const kernels = [...byKernel.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([name, { ms, calls }]) => ({
      name,
      msPerStep: Number((ms / steps).toFixed(3)),
      callsPerStep: calls / steps,
      share: Number((ms / profiledMs).toFixed(3)),
    }));
  console.log(`kernel time per step of ${batch} images (tf.profile, ${steps} steps):`);
  for (const k of kernels)
    console.log(
      `  ${k.name.padEnd(24)} ${k.msPerStep.toFixed(2).padStart(8)} ms  ${(k.share * 100).toFixed(1).padStart(5)} %  ×${k.callsPerStep}`,
    );
  console.log(
    `  ${'(all kernels)'.padEnd(24)} ${(profiledMs / steps).toFixed(2).padStart(8)} ms; unprofiled step ${stepMs.toFixed(2)} ms (tf.train.adam: ${referenceStepMs.toFixed(2)} ms; stock ${ELEMENTWISE_REPLACEMENTS.join('/')}: ${stockElementwiseStepMs.toFixed(2)} ms)`,
  );
  const { backend, threads } = backendDetails();
  console.log(
    JSON.stringify({
      bench: 'train-kernels',
      batch,
      steps,
      imagesPerSecond: Math.round((batch * 1000) / stepMs),
      stepMs: Number(stepMs.toFixed(2)),
      optimizer: 'FusedAdam',
      referenceImagesPerSecond: Math.round((batch * 1000) / referenceStepMs),
      stockElementwiseImagesPerSecond: Math.round((batch * 1000) / stockElementwiseStepMs),
      referenceOptimizer: 'tf.train.adam',
      kernelMsPerStep: Number((profiledMs / steps).toFixed(2)),
      kernels: kernels.slice(0, 12),
      backend,
      threads,
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
}

runBench(main);
