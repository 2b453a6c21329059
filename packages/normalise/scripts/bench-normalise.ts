/**
 * `pnpm bench:normalise`: time per image of the normaliser (fast path) against the previous
 * implementation kept as the reference, in the same run, on what clients send: the page's
 * 280×280 canvas drawings (real MNIST digits redrawn stroke by stroke), 28×28 MNIST PNGs, JPEG
 * photos of 1–4 MP (baseline and progressive), and uploads at the limits; then the worst request
 * the decode budget admits, timed whole. Last line: one JSON object ({"bench":"normalise",...}).
 * Options: --quick (fewer rounds, no reference on the largest images).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { samplePageDrawings, sampleTestDigits, mnistTestSamples } from '@digits/test-kit';
import {
  DecodeBudget,
  DECODE_COST,
  MAX_BODY_BYTES,
  MAX_IMAGE_PIXELS,
  MAX_REQUEST_DECODE_COST,
  normaliseImage,
  readImageHeader,
} from '../src';
import { normaliseImageReference } from '../src/reference';
import {
  baselineJpeg,
  photoRgba,
  progressiveJpegEncoder,
  strokesOf,
  syntheticPng,
  type PngLayout,
} from './synthetic-images';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const say = (m: string) => process.stderr.write(`[bench:normalise] ${m}\n`);
type Normalise = (bytes: Uint8Array) => unknown;

/**
 * Mean wall and CPU ms per image over rounds of `images` (after a warm-up), at least `minMs`
 * of work. CPU time is this process's (user + system): on a machine shared with other jobs it is
 * the steadier figure, wall time the one a client waits.
 */
function msPerImage(normalise: Normalise, images: Uint8Array[], minMs: number): { ms: number; cpuMs: number } {
  const once = () => {
    for (const image of images) {
      try {
        normalise(image);
      } catch {
        // a refused image (e.g. blank) still costs its decode: it is part of the figure
      }
    }
  };
  // Warm-up (JIT tiers, buffers) for as long as the measurement, up to 1 s, uncounted.
  const warm = performance.now();
  do once();
  while (performance.now() - warm < Math.min(minMs, 1000));
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  do {
    once();
    count += images.length;
  } while (performance.now() - start < minMs);
  const used = process.cpuUsage(cpu);
  return { ms: round((performance.now() - start) / count), cpuMs: round((used.user + used.system) / 1000 / count) };
}

const round = (ms: number) => Number(ms.toPrecision(3));

interface Row {
  what: string;
  fastMs: number;
  fastCpuMs: number;
  referenceMs?: number;
  referenceCpuMs?: number;
  speedup?: number;
}

function compare(what: string, images: Uint8Array[], minMs: number, withReference = true): Row {
  const fast = msPerImage(normaliseImage, images, minMs);
  const row: Row = { what, fastMs: fast.ms, fastCpuMs: fast.cpuMs };
  if (withReference) {
    const reference = msPerImage(normaliseImageReference, images, minMs);
    row.referenceMs = reference.ms;
    row.referenceCpuMs = reference.cpuMs;
    row.speedup = round(reference.cpuMs / fast.cpuMs);
  }
  say(
    `${what}: fast ${fast.ms} ms (CPU ${fast.cpuMs})` +
      (withReference ? `, reference ${row.referenceMs} ms (CPU ${row.referenceCpuMs}), ×${row.speedup} in CPU` : ''),
  );
  return row;
}

/** The largest side² that `units` of budget buy for an image of this header cost, within the per-image limit. */
function sideFor(costPerPixel: number, units: number): number {
  return Math.floor(Math.sqrt(Math.min(MAX_IMAGE_PIXELS, units / costPerPixel)));
}
const costPerPixel = (bytes: Uint8Array) => {
  const h = readImageHeader(bytes);
  return h.cost / (h.width * h.height);
};

/** Time a whole request: every image admitted by one DecodeBudget, then normalised (wall and CPU ms). */
function requestMs(images: Uint8Array[]): { ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const budget = new DecodeBudget();
  for (const image of images) budget.admit(image);
  for (const image of images) {
    try {
      normaliseImage(image);
    } catch {
      // blank synthetic images are refused after their decode
    }
  }
  const used = process.cpuUsage(cpu);
  return { ms: round(performance.now() - start), cpuMs: round((used.user + used.system) / 1000) };
}

async function main(): Promise<void> {
  const quick = values.quick;
  const minMs = quick ? 300 : 1500;
  const rows: Row[] = [];

  const drawings = (await samplePageDrawings(quick ? 50 : 200)).map((d) => d.png);
  rows.push(compare('page drawing 280×280 RGBA PNG', drawings, minMs));
  const mnist = (await sampleTestDigits(200, 0, 1)).map((d) => d.png);
  rows.push(compare('MNIST 28×28 grey PNG', mnist, minMs));

  const samples = await mnistTestSamples(4);
  const progressive = await progressiveJpegEncoder();
  for (const mp of [1, 2, 4]) {
    const width = Math.round(Math.sqrt(mp * 1e6 * (4 / 3)));
    const height = Math.round((width * 3) / 4);
    const rgba = photoRgba(strokesOf(samples[mp % 4]!.pixels), width, height);
    rows.push(compare(`JPEG photo ${mp} MP (${width}×${height})`, [baselineJpeg(rgba, width, height)], minMs, !quick));
    rows.push(compare(`progressive JPEG photo ${mp} MP`, [await progressive(rgba, width, height)], minMs, !quick));
  }

  // Uploads at the limits: the largest image of each layout one request may hold.
  const layouts: Array<[string, Omit<PngLayout, 'width' | 'height'>]> = [
    ['grey 8-bit', { colourType: 0, depth: 8 }],
    ['grey 1-bit', { colourType: 0, depth: 1 }],
    ['palette 8-bit', { colourType: 3, depth: 8 }],
    ['RGBA 8-bit', { colourType: 6, depth: 8 }],
    ['RGBA 8-bit interlaced', { colourType: 6, depth: 8, interlaced: true }],
    ['grey 16-bit', { colourType: 0, depth: 16 }],
    ['RGBA 16-bit', { colourType: 6, depth: 16 }],
    ['RGBA 16-bit interlaced', { colourType: 6, depth: 16, interlaced: true }],
  ];
  const worst: Array<{ what: string; images: Uint8Array[] }> = [];
  for (const [name, layout] of layouts) {
    const probe = syntheticPng({ ...layout, width: 8, height: 8 });
    const side = sideFor(costPerPixel(probe), MAX_REQUEST_DECODE_COST);
    const image = syntheticPng({ ...layout, width: side, height: side });
    rows.push(compare(`PNG ${name} ${side}×${side} (largest admitted)`, [image], quick ? 1 : 2000, !quick));
    worst.push({ what: `PNG ${name} ${side}×${side}`, images: fill(image) });
  }
  for (const [name, encode] of [
    ['baseline JPEG', async (rgba: Uint8Array, w: number, h: number) => baselineJpeg(rgba, w, h)],
    ['progressive JPEG', progressive],
  ] as const) {
    // The largest photo the budget admits: sized from the per-pixel cost, then shrunk until admitted.
    let side = sideFor(
      name === 'baseline JPEG' ? DECODE_COST.jpegPixel : DECODE_COST.progressiveJpegPixel,
      MAX_REQUEST_DECODE_COST,
    );
    let image: Uint8Array;
    for (;;) {
      image = await encode(photoRgba(strokesOf(samples[1]!.pixels), side, side), side, side);
      if (readImageHeader(image).cost <= MAX_REQUEST_DECODE_COST) break;
      side = Math.floor(side * 0.95);
    }
    rows.push(compare(`${name} photo ${side}×${side} (largest admitted)`, [image], quick ? 1 : 2000, !quick));
    worst.push({ what: `${name} photo ${side}×${side}`, images: fill(image) });
  }
  // Noise at top quality: the most entropy-decoding work a body near the size limit can carry.
  const noiseSide = 1000;
  const noise = Uint8Array.from({ length: noiseSide * noiseSide * 4 }, (_, i) =>
    i % 4 === 3 ? 255 : (Math.imul(i, 2654435761) >>> 24) & 0xff,
  );
  for (const [name, image] of [
    ['baseline JPEG of noise, quality 100', baselineJpeg(noise, noiseSide, noiseSide, 100)],
    ['progressive JPEG of noise', await progressive(noise, noiseSide, noiseSide)],
  ] as const) {
    const what = `${name} ${noiseSide}×${noiseSide} (${(image.length / 2 ** 20).toFixed(1)} MiB)`;
    rows.push(compare(what, [image], quick ? 1 : 2000, !quick));
    // A candidate for the worst request only when one request may carry it (body size and budget).
    if (image.length <= MAX_BODY_BYTES && readImageHeader(image).cost <= MAX_REQUEST_DECODE_COST)
      worst.push({ what, images: fill(image) });
  }
  worst.push({ what: 'page drawing 280×280', images: fill(drawings[0]!) });
  worst.push({ what: 'MNIST 28×28 PNG', images: fill(mnist[0]!) });

  // The worst admitted request: each candidate timed whole (admit + normalise), best of 3 runs.
  const requests = worst.map(({ what, images }) => {
    const runs = [0, 1, 2].map(() => requestMs(images));
    const { ms, cpuMs } = runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
    say(`request of ${images.length} × ${what}: ${ms} ms (CPU ${cpuMs})`);
    return { what: `${images.length} × ${what}`, ms, cpuMs };
  });
  const slowest = requests.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  say(`worst admitted request: ${slowest.what}, ${slowest.ms} ms (CPU ${slowest.cpuMs})`);

  process.stdout.write(
    `${JSON.stringify({
      bench: 'normalise',
      profile: quick ? 'quick' : 'default',
      pageDrawingMs: rows[0]!.fastMs,
      pageDrawingCpuMs: rows[0]!.fastCpuMs,
      pageDrawingReferenceMs: rows[0]!.referenceMs,
      pageDrawingReferenceCpuMs: rows[0]!.referenceCpuMs,
      mnist28Ms: rows[1]!.fastMs,
      mnist28ReferenceMs: rows[1]!.referenceMs,
      worstAdmittedRequest: slowest,
      rows,
      requests,
      loadAverage1m: loadavg()[0],
    })}\n`,
  );
}

/** As many copies of `image` as one request's budget admits (at most 256, the batch limit). */
function fill(image: Uint8Array): Uint8Array[] {
  const copies = Math.max(1, Math.min(256, Math.floor(MAX_REQUEST_DECODE_COST / readImageHeader(image).cost)));
  return Array.from({ length: copies }, () => image);
}

main().catch((e: Error) => {
  process.stderr.write(`bench:normalise failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
