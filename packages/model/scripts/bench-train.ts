/**
 * pnpm bench:train — train with the default hyperparameters on the full MNIST (60,000 training
 * and 10,000 test images, written as CSV channels into a temporary SageMaker-shaped folder) and
 * report accuracy and time. `seconds` is the training program's wall time, CSV loading included.
 * The model folder is kept (`modelDir`) so a serving benchmark can reuse it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining } from '../src/train';
import { writeTrainingFolder } from '../test/train/sagemaker-folder';

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'digits-bench-train-'));
  const prepared = performance.now();
  const { trainRows, testRows } = await writeTrainingFolder(root, { hyperparameters: {}, shards: 6 });
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
    }),
  );
}

main().then(
  // Exit explicitly: nothing else is pending, and wasm worker threads must not hold the process.
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
