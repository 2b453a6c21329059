/**
 * What the model benchmarks share: a model to measure, given as a folder or trained quickly on
 * 3,000 MNIST rows when none is given.
 */
import { access, mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PIXELS } from '@digits/common';
import { readMnistSplit, type MnistSplit } from '@digits/test-kit';
import { runTraining } from '../src/train';

/** Accept an ML root (holding model/) or a model folder (holding model.json). */
export async function mlRootFor(path: string, temp: string): Promise<string> {
  if (await exists(join(path, 'model', 'model.json'))) return path;
  if (!(await exists(join(path, 'model.json'))))
    throw new Error(`${path}: neither a model folder (model.json) nor an ML root (model/model.json)`);
  if (basename(path) === 'model') return dirname(path);
  const root = join(temp, 'ml');
  await mkdir(root, { recursive: true });
  await symlink(path, join(root, 'model'));
  return root;
}

/** `hyperparameters` are added to the quick profile's ({ epochs: '1' }), e.g. augmentation. */
export async function trainQuickModel(temp: string, hyperparameters: Record<string, string> = {}): Promise<string> {
  const root = join(temp, 'ml');
  const [train, test] = await Promise.all([readMnistSplit('train'), readMnistSplit('test')]);
  const csv = ({ images, labels }: MnistSplit, rows: number) =>
    Array.from(
      { length: rows },
      (_, i) => `${labels[i]},${Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS)).join(',')}`,
    ).join('\n');
  for (const [channel, text] of [
    ['train', csv(train, 3000)],
    ['test', csv(test, 1000)],
  ] as const) {
    await mkdir(join(root, 'input', 'data', channel), { recursive: true });
    await writeFile(join(root, 'input', 'data', channel, 'shard-00000.csv'), `${text}\n`);
  }
  await mkdir(join(root, 'input', 'config'), { recursive: true });
  await writeFile(
    join(root, 'input', 'config', 'hyperparameters.json'),
    JSON.stringify({ epochs: '1', ...hyperparameters }),
  );
  console.log(
    `no model given: training a quick one (3,000 rows, ${JSON.stringify({ epochs: '1', ...hyperparameters })})`,
  );
  // Only the trainer's own robustness line (its 100-image score and what it cost) is worth showing.
  const result = await runTraining({
    mlRoot: root,
    log: (line) => line.startsWith('robustness_') && console.log(`trainer: ${line}`),
  });
  console.log(
    `trained in ${result.seconds.toFixed(1)} s: test accuracy ${(result.metadata.testAccuracy * 100).toFixed(1)}% on 1,000 images`,
  );
  return root;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * Runs a benchmark's main and exits: 0 once it resolved, 1 with the error printed. Explicitly,
 * because the threaded wasm backend's worker threads would otherwise hold the process open.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
