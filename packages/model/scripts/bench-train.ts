/**
 * pnpm bench:train — train with the default hyperparameters on the full MNIST (60,000 training
 * and 10,000 test images, written as CSV channels into a temporary SageMaker-shaped folder) and
 * report accuracy and time. `seconds` is the training program's wall time, CSV loading included.
 * The model folder is kept (`modelDir`) so a serving or robustness benchmark can reuse it.
 * Hyperparameters other than the defaults: `pnpm bench:train --epochs 6 --augment_rotation 10`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining } from '../src/train';
import { runBench } from './bench-models';
import { writeTrainingFolder } from '../test/train/sagemaker-folder';

/** `--name value` pairs → hyperparameters (strings, as SageMaker passes them; the trainer checks them). */
function hyperparametersFromArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got "${name}"`);
    out[name.slice(2)] = value;
  }
  return out;
}

async function main(): Promise<void> {
  const hyperparameters = hyperparametersFromArgs(process.argv.slice(2).filter((a) => a !== '--'));
  const root = await mkdtemp(join(tmpdir(), 'digits-bench-train-'));
  const prepared = performance.now();
  const { trainRows, testRows } = await writeTrainingFolder(root, { hyperparameters, shards: 6 });
  console.log(
    `wrote ${trainRows} + ${testRows} rows as CSV under ${root} in ${((performance.now() - prepared) / 1000).toFixed(1)} s`,
  );

  const result = await runTraining({ mlRoot: root });
  await rm(join(root, 'input'), { recursive: true, force: true }); // ~130 MB of CSV; the model stays
  const trainingLoopSeconds = result.epochs.reduce((sum, e) => sum + e.seconds, 0);
  console.log(
    JSON.stringify({
      bench: 'train',
      testAccuracy: Number(result.metadata.testAccuracy.toFixed(4)),
      seconds: Math.round(result.seconds),
      imagesPerSecond: Math.round((trainRows * result.epochs.length) / trainingLoopSeconds),
      backend: result.backend,
      threads: result.threads,
      epochs: result.epochs.length,
      trainRows,
      testRows,
      modelDir: result.modelDir,
      hyperparameters,
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
}

runBench(main);
