/**
 * pnpm bench:robust [model folder or ML root] [--limit N] [--seed S]   (or BENCH_ROBUST_MODEL=...)
 *
 * Accuracy of a trained model on the MNIST test set under each corruption of the suite
 * (src/robust/corruptions.ts), every image encoded as an upload and sent through the normaliser
 * /predict uses. Without a model it trains a quick one (3,000 rows, 1 epoch): give it the folder
 * `pnpm bench:train` prints (`modelDir`) to measure the default model.
 * Last line: one JSON object {"bench":"robust", ...}, accuracies as fractions 0–1.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng, normaliseImage } from '@digits/normalise';
import { readMnistIdx } from '@digits/test-kit';
import { initBackend } from '../src/backend';
import { loadModel } from '../src/model-files';
import { Predictor } from '../src/serve/predictor';
import type { CorruptedImage } from '../src/robust/corruptions';
import { scoreRobustness } from '../src/robust/score';
import { mlRootFor, trainQuickModel } from './bench-models';

type JpegEncode = (image: ImageData, options: { quality: number }) => Promise<ArrayBuffer>;

/**
 * mozjpeg (wasm), as browsers and phones encode: jpeg-js rebuilds its Huffman tables for every
 * image (~60 ms and much garbage each), which would make the JPEG row most of the run.
 */
async function loadJpegEncoder(): Promise<JpegEncode> {
  const { default: encode, init } = await import('@jsquash/jpeg/encode.js');
  await init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'))));
  return encode as unknown as JpegEncode;
}

/** The image as a client would upload it: grey PNG, or RGBA JPEG; dark ink on white unless told. */
function uploadEncoder(jpeg: JpegEncode): (image: CorruptedImage) => Promise<Uint8Array> | Uint8Array {
  return (image) => {
    const grey = image.darkInk ? image.pixels.map((v) => 1 - v) : image.pixels;
    if (image.jpegQuality === undefined) return encodePng(grey, image.side);
    const data = new Uint8ClampedArray(image.side * image.side * 4);
    for (let i = 0; i < grey.length; i++) {
      data.fill(Math.round(grey[i]! * 255), i * 4, i * 4 + 3);
      data[i * 4 + 3] = 255;
    }
    const rgba = { data, width: image.side, height: image.side, colorSpace: 'srgb' } as ImageData;
    return jpeg(rgba, { quality: image.jpegQuality }).then((b) => new Uint8Array(b));
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { limit: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
  });
  const limit = Number(values.limit);
  const seed = Number(values.seed);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be an integer 1–10000');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

  const temp = await mkdtemp(join(tmpdir(), 'bench-robust-'));
  try {
    const given = positionals[0] ?? process.env.BENCH_ROBUST_MODEL;
    const mlRoot = given ? await mlRootFor(resolve(given), temp) : await trainQuickModel(temp);
    const backend = await initBackend();
    const { model, metadata } = await loadModel(join(mlRoot, 'model'));
    const predictor = new Predictor(model);

    const [imagesIdx, labelsIdx] = await Promise.all([readMnistIdx('test', 'images'), readMnistIdx('test', 'labels')]);
    const images = Array.from({ length: limit }, (_, i) => {
      const out = new Float32Array(784);
      for (let p = 0; p < 784; p++) out[p] = imagesIdx[16 + i * 784 + p]! / 255;
      return out;
    });
    const labels = labelsIdx.subarray(8, 8 + limit);

    const load0 = loadavg()[0]!;
    const t0 = performance.now();
    const encode = uploadEncoder(await loadJpegEncoder());
    const scores = await scoreRobustness(
      images,
      labels,
      {
        encode,
        normalise: (bytes) => normaliseImage(bytes).pixels,
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
        model: given ? resolve(given) : 'quick (3,000 rows, 1 epoch)',
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
