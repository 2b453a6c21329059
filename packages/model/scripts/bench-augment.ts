/**
 * pnpm bench:augment [--probability P]
 *
 * What the low-resolution augmentation costs the trainer: images per second through augmentBatch
 * (src/train/augment.ts) on the first 5,120 MNIST training images in batches of 128, with every
 * image degraded (`augment_lowres=1`) and with the share `--probability` (default 0.3). Compare
 * with `pnpm bench:train`'s imagesPerSecond (one training step per image): the augmentation's
 * share of a training run is about imagesPerSecond(train) / imagesPerSecond(here).
 * Last line: one JSON object {"bench":"augment", ...}.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PIXELS } from '@digits/common';
import { readMnistSplit } from '@digits/test-kit';
import { NO_AUGMENTATION, augmentBatch } from '../src/train/augment';
import { mulberry32 } from '../src/seeded-random';

const IMAGES = 128 * 40;
const BATCH = 128;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { probability: { type: 'string', default: '0.3' } } });
  const probability = Number(values.probability);
  if (!(probability > 0 && probability <= 1)) throw new Error('--probability must be a number above 0 and at most 1');
  const { images } = await readMnistSplit('train');
  const data = new Float32Array(IMAGES * PIXELS);
  for (let i = 0; i < data.length; i++) data[i] = images[i]! / 255;
  const load0 = loadavg()[0]!;
  const imagesPerSecond: Record<string, number> = {};
  for (const p of [1, probability]) {
    let best = 0;
    // Three passes, the best kept: the first warms the JIT (and a shared machine only slows a pass).
    for (let pass = 0; pass < 3; pass++) {
      const x = data.slice();
      const random = mulberry32(pass + 1);
      const started = performance.now();
      for (let b = 0; b < IMAGES; b += BATCH)
        augmentBatch(
          x.subarray(b * PIXELS, (b + BATCH) * PIXELS),
          BATCH,
          { ...NO_AUGMENTATION, lowresProbability: p },
          random,
        );
      best = Math.max(best, IMAGES / ((performance.now() - started) / 1000));
    }
    imagesPerSecond[`augment_lowres=${p}`] = Math.round(best);
  }
  console.log(
    JSON.stringify({
      bench: 'augment',
      images: IMAGES,
      imagesPerSecond,
      microsecondsPerLowresImage: Number((1e6 / imagesPerSecond['augment_lowres=1']!).toFixed(1)),
      loadAverage1m: [Number(load0.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
