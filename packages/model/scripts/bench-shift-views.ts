/**
 * pnpm bench:shift-views <model folder> [--rows test|validation]
 *
 * The accuracy a trained model would have with each set of test-time shifts (src/train/shift-views.ts,
 * hyperparameter `test_time_shifts`), and what each costs a batch of images. `--rows validation`
 * scores MNIST training rows 50,000–59,999: for a model trained on the first 50,000 (`pnpm
 * bench:train --max_rows 50000 …`), so a set can be chosen without looking at the test set.
 * Last line: one JSON object {"bench":"shift-views", ...}, accuracies as fractions 0–1.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PIXELS } from '@digits/common';
import { readMnistSplit } from '@digits/test-kit';
import { initBackend } from '../src/backend';
import { loadModel } from '../src/model-files';
import { evaluate } from '../src/train/fit';
import { SHIFT_SETS, withShiftViews, type ShiftSet } from '../src/train/shift-views';

const VALIDATION_FROM = 50_000;
const ROWS = 10_000;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rows: { type: 'string', default: 'test' } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: pnpm bench:shift-views <model folder> [--rows test|validation]');
  if (values.rows !== 'test' && values.rows !== 'validation') throw new Error('--rows must be test or validation');
  const backend = await initBackend();
  const { model, metadata } = await loadModel(resolve(dir));
  if (metadata.hyperparameters.test_time_shifts !== undefined)
    throw new Error(`${dir} already has test-time shifts (${metadata.hyperparameters.test_time_shifts})`);

  const split = values.rows === 'test' ? 'test' : 'train';
  const from = values.rows === 'test' ? 0 : VALIDATION_FROM;
  const { images, labels } = await readMnistSplit(split);
  const data = {
    rows: ROWS,
    pixels: images.subarray(from * PIXELS, (from + ROWS) * PIXELS),
    labels: labels.subarray(from, from + ROWS),
  };

  const load0 = loadavg()[0]!;
  const accuracy: Partial<Record<ShiftSet, number>> = {};
  const msPerImage: Partial<Record<ShiftSet, number>> = {};
  for (const name of Object.keys(SHIFT_SETS) as ShiftSet[]) {
    const viewed = withShiftViews(model, SHIFT_SETS[name]);
    const started = performance.now();
    accuracy[name] = evaluate(viewed, data).accuracy;
    msPerImage[name] = Number(((performance.now() - started) / ROWS).toFixed(4));
    console.log(
      `${name.padEnd(10)} ${SHIFT_SETS[name].length + 1} views  ${(accuracy[name]! * 100).toFixed(2)}%  ${msPerImage[name]} ms an image`,
    );
  }
  model.dispose();
  console.log(
    JSON.stringify({
      bench: 'shift-views',
      model: resolve(dir),
      rows: values.rows,
      modelTestAccuracy: metadata.testAccuracy,
      accuracy,
      msPerImage,
      backend,
      loadAverage1m: [Number(load0.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
      cpus: cpus().length,
    }),
  );
}

main().then(
  // Exit explicitly: wasm worker threads must not hold the process.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
