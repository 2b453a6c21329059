/**
 * pnpm bench:robust [model folder or ML root] [--limit N] [--seed S] [--normaliser default|plain]
 *                   [--train name=value ...]   (or BENCH_ROBUST_MODEL=...)
 *
 * Accuracy of a trained model on the MNIST test set under each corruption of the suite
 * (src/robust/corruptions.ts), every image encoded as an upload and sent through the normaliser
 * /predict uses. Without a model it trains a quick one (3,000 rows, 1 epoch): give it the folder
 * `pnpm bench:train` prints (`modelDir`) to measure the default model; `--train name=value`
 * (repeatable) adds hyperparameters to the quick one's, e.g. `--train augment_rotation=15`.
 * `--normaliser plain` replaces the /predict normaliser by a plain resize to 28×28
 * (src/robust/plain-resize.ts), so its share of the robustness is measurable.
 * Last line: one JSON object {"bench":"robust", ...}, accuracies as fractions 0–1.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PIXELS } from '@digits/common';
import { normaliseImage } from '@digits/normalise';
import { readMnistSplit } from '@digits/test-kit';
import { initBackend } from '../src/backend';
import { loadModel } from '../src/model-files';
import { plainResize } from '../src/robust/plain-resize';
import { Predictor } from '../src/serve/predictor';
import type { CorruptedImage } from '../src/robust/corruptions';
import { scoreRobustness } from '../src/robust/score';
import { encodeUpload, type JpegEncode } from '../src/robust/upload';
import { mlRootFor, trainQuickModel } from './bench-models';

/**
 * mozjpeg (wasm), as browsers and phones encode: jpeg-js rebuilds its Huffman tables for every
 * image (~60 ms and much garbage each), which would make the JPEG row most of the run.
 */
async function loadJpegEncoder(): Promise<JpegEncode> {
  const { default: encode, init } = await import('@jsquash/jpeg/encode.js');
  await init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'))));
  return encode as unknown as JpegEncode;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      limit: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      normaliser: { type: 'string', default: 'default' },
      train: { type: 'string', multiple: true, default: [] },
    },
  });
  const limit = Number(values.limit);
  const seed = Number(values.seed);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be an integer 1–10000');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const normalisers: Record<string, (bytes: Uint8Array) => Float32Array> = {
    default: (bytes) => normaliseImage(bytes).pixels,
    plain: plainResize,
  };
  const normalise = normalisers[values.normaliser];
  if (!normalise) throw new Error(`--normaliser must be one of ${Object.keys(normalisers).join(', ')}`);
  const trainHyperparameters = Object.fromEntries(
    values.train.map((pair) => {
      const m = /^([a-z_]+)=(\S+)$/.exec(pair);
      if (!m) throw new Error(`--train ${pair}: expected name=value, e.g. augment_rotation=15`);
      return [m[1]!, m[2]!];
    }),
  );

  const temp = await mkdtemp(join(tmpdir(), 'bench-robust-'));
  try {
    const given = positionals[0] ?? process.env.BENCH_ROBUST_MODEL;
    if (given && values.train.length > 0) throw new Error('--train applies to the quick model, not to a given one');
    const mlRoot = given ? await mlRootFor(resolve(given), temp) : await trainQuickModel(temp, trainHyperparameters);
    const backend = await initBackend();
    const { model, metadata } = await loadModel(join(mlRoot, 'model'));
    const predictor = new Predictor(model);

    const test = await readMnistSplit('test');
    const images = Array.from({ length: limit }, (_, i) =>
      Float32Array.from(test.images.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255),
    );
    const labels = test.labels.subarray(0, limit);

    const load0 = loadavg()[0]!;
    const t0 = performance.now();
    const jpeg = await loadJpegEncoder();
    const encode = (image: CorruptedImage) => encodeUpload(image, jpeg);
    const scores = await scoreRobustness(
      images,
      labels,
      {
        encode,
        normalise,
        predict: (batch) => predictor.predict(batch).map((p) => p.digit),
      },
      { seed, onScore: (name, accuracy) => console.log(`${name.padEnd(10)} ${(accuracy * 100).toFixed(2)}%`) },
    );
    const seconds = (performance.now() - t0) / 1000;
    const round = (v: number) => Number(v.toFixed(4));
    console.log(
      `mean ${(scores.mean * 100).toFixed(2)}%, worst ${scores.worst.name} ${(scores.worst.accuracy * 100).toFixed(2)}%, ` +
        `${limit} images × ${Object.keys(scores.corruptions).length + 1} in ${seconds.toFixed(1)} s`,
    );
    console.log(
      JSON.stringify({
        bench: 'robust',
        model: given ? resolve(given) : 'quick (3,000 rows)',
        ...(given ? {} : { hyperparameters: metadata.hyperparameters }),
        normaliser: values.normaliser,
        modelTestAccuracy: round(metadata.testAccuracy),
        clean: round(scores.clean),
        mean: round(scores.mean),
        worst: { name: scores.worst.name, accuracy: round(scores.worst.accuracy) },
        corruptions: Object.fromEntries(Object.entries(scores.corruptions).map(([k, v]) => [k, round(v)])),
        images: limit,
        seed,
        seconds: Math.round(seconds),
        backend,
        loadAverage1m: [round(load0), round(loadavg()[0]!)],
        cpus: cpus().length,
      }),
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

main().then(
  // Exit explicitly: wasm worker threads must not hold the process.
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
