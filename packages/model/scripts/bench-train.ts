/**
 * pnpm bench:train — train on the full MNIST (60,000 training and 10,000 test images, written as
 * CSV channels into a temporary SageMaker-shaped folder) and report accuracy and time. `seconds`
 * is the training program's wall time, CSV loading included. The model folder is kept
 * (`modelDir`) so a serving or robustness benchmark can reuse it.
 *
 *   pnpm bench:train                               the default profile (what pnpm start trains)
 *   pnpm bench:train --profile cloud               a named profile (TRAINING_PROFILES)
 *   pnpm bench:train --epochs 6 --augment_rotation 10   hyperparameters over the profile's
 *   pnpm bench:train --seeds 1,2,3                 one run per seed; the last line gives mean, min, max
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAINING_PROFILES, type TrainingProfile } from '@digits/common';
import { runTraining } from '../src/train';
import { runBench } from './bench-models';
import { writeTrainingFolder } from '../test/train/sagemaker-folder';

interface Args {
  profile: TrainingProfile;
  seeds: string[] | undefined;
  /** Hyperparameters over the profile's (strings, as SageMaker passes them; the trainer checks them). */
  overrides: Record<string, string>;
}

function parseArgs(args: string[]): Args {
  const out: Args = { profile: 'default', seeds: undefined, overrides: {} };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`expected --name value pairs, got "${name}"`);
    if (name === '--profile') {
      if (!Object.hasOwn(TRAINING_PROFILES, value))
        throw new Error(`unknown profile "${value}" (known: ${Object.keys(TRAINING_PROFILES).join(', ')})`);
      out.profile = value as TrainingProfile;
    } else if (name === '--seeds') {
      out.seeds = value.split(',').map((s) => s.trim());
      if (out.seeds.some((s) => !/^\d+$/.test(s))) throw new Error(`--seeds takes integers like 1,2,3, got "${value}"`);
    } else out.overrides[name.slice(2)] = value;
  }
  return out;
}

interface Run {
  seed: string;
  testAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
  modelDir: string;
  loadAverage1m: number;
}

async function trainOnce(hyperparameters: Record<string, string>): Promise<Run & Record<string, unknown>> {
  const root = await mkdtemp(join(tmpdir(), 'digits-bench-train-'));
  const prepared = performance.now();
  const written = await writeTrainingFolder(root, { hyperparameters, shards: 6 });
  console.log(
    `wrote ${written.trainRows} + ${written.testRows} rows as CSV under ${root} in ${((performance.now() - prepared) / 1000).toFixed(1)} s`,
  );
  const result = await runTraining({ mlRoot: root });
  await rm(join(root, 'input'), { recursive: true, force: true }); // ~130 MB of CSV; the model stays
  const trainingLoopSeconds = result.epochs.reduce((sum, e) => sum + e.seconds, 0);
  // The rows the trainer used (max_rows and max_test_rows cut what was written).
  const { trainRows, testRows } = result.metadata;
  return {
    seed: String(result.metadata.hyperparameters.seed),
    testAccuracy: Number(result.metadata.testAccuracy.toFixed(4)),
    seconds: Math.round(result.seconds),
    // Images through one network (an ensemble's members train one after another, each its epochs).
    imagesPerSecond: Math.round((trainRows * result.epochs.length) / trainingLoopSeconds),
    backend: result.backend,
    threads: result.threads,
    epochs: Number(result.metadata.hyperparameters.epochs),
    members: Number(result.metadata.hyperparameters.ensemble ?? 1),
    trainRows,
    testRows,
    modelDir: result.modelDir,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  const hyperparameters: Record<string, string> = { ...TRAINING_PROFILES[args.profile], ...args.overrides };
  if (args.seeds === undefined) {
    const run = await trainOnce(hyperparameters);
    console.log(JSON.stringify({ bench: 'train', profile: args.profile, ...run, hyperparameters }));
    return;
  }
  const runs: Run[] = [];
  for (const seed of args.seeds) {
    const run = await trainOnce({ ...hyperparameters, seed });
    console.log(`seed ${seed}: ${JSON.stringify(run)}`);
    runs.push(run);
  }
  const accuracies = runs.map((r) => r.testAccuracy);
  const mean = accuracies.reduce((a, b) => a + b, 0) / runs.length;
  console.log(
    JSON.stringify({
      bench: 'train',
      profile: args.profile,
      seeds: args.seeds,
      testAccuracy: { mean: Number(mean.toFixed(4)), min: Math.min(...accuracies), max: Math.max(...accuracies) },
      seconds: { max: Math.max(...runs.map((r) => r.seconds)), each: runs.map((r) => r.seconds) },
      imagesPerSecond: runs.map((r) => r.imagesPerSecond),
      runs: runs.map(({ seed, testAccuracy, modelDir }) => ({ seed, testAccuracy, modelDir })),
      hyperparameters: { ...hyperparameters, seed: undefined },
      loadAverage1m: runs.map((r) => r.loadAverage1m),
    }),
  );
}

runBench(main);
