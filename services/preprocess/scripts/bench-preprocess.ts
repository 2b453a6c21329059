/**
 * `pnpm bench:preprocess`: the full MNIST (70,000 images) from its four .gz files to CSV shards,
 * through the Lambda's own code path (streamed gunzip → IDX parser → pair check → CSV shards), the
 * shards written to local files instead of S3. Then numpy.savetxt writes the same shards from the
 * same data as the reference, in the same run, and the outputs are compared byte for byte.
 * Prints one line per run, then one JSON line (median of the runs; `seconds`/`ratio` are wall
 * clock, `cpuSeconds`/`cpuRatio` process CPU time, which a busy shared machine disturbs less).
 *
 * Options: --runs N (default 3), --keep (leave the temp folder), --node-only (skip numpy: no ratio);
 * BENCH_TMPDIR=dir writes the shards there instead of /dev/shm.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST_FILES, SPLITS, pairIdx, readIdxStream, type IdxKind, type IdxPair, type Split } from '@digits/common';
import { gzippedMnistFiles, mnistDataDir } from '@digits/test-kit';
import { convertSplits } from '../src/convert';

/** The deployed setting (serverless.yml SHARD_ROWS), so the bench measures the Lambda's work. */
const SHARD_ROWS = 10_000;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const keep = args.includes('--keep');
const nodeOnly = args.includes('--node-only');

/** Same steps as the Lambda, with files instead of S3 objects. */
async function convertFromGz(
  gzDir: string,
  outDir: string,
): Promise<{ images: number; bytes: number; shards: number; decodeSeconds: number }> {
  const started = performance.now();
  const read = (split: Split, kind: IdxKind) =>
    readIdxStream(createReadStream(join(gzDir, MNIST_FILES[split][kind]), { highWaterMark: 1 << 20 }), {
      expect: kind,
      gzipped: true,
    });
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    read('train', 'images'),
    read('train', 'labels'),
    read('test', 'images'),
    read('test', 'labels'),
  ]);
  const pairs: Record<Split, IdxPair> = {
    train: pairIdx(trainImages, trainLabels),
    test: pairIdx(testImages, testLabels),
  };
  const decodeSeconds = (performance.now() - started) / 1000;
  const converted = await convertSplits(
    pairs,
    async ({ split, index, csv }) => {
      const path = join(outDir, `${split}-part-${String(index).padStart(5, '0')}.csv`);
      await writeFile(path, csv);
      return path;
    },
    { shardRows: SHARD_ROWS },
  );
  const shards = SPLITS.flatMap((s) => converted[s].shards);
  return {
    images: pairs.train.count + pairs.test.count,
    bytes: shards.reduce((a, s) => a + s.bytes, 0),
    shards: shards.length,
    decodeSeconds,
  };
}

const NUMPY_SCRIPT = `
import json, sys, time, os
import numpy as np
data_dir, out_dir, shard_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = {'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), 'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')}
tables = {}
for split, (img, lab) in names.items():
    images = np.fromfile(os.path.join(data_dir, img), dtype=np.uint8, offset=16).reshape(-1, 784)
    labels = np.fromfile(os.path.join(data_dir, lab), dtype=np.uint8, offset=8)
    tables[split] = np.hstack([labels[:, None], images])
start, cpu = time.perf_counter(), time.process_time()
for split, table in tables.items():
    for i, s in enumerate(range(0, len(table), shard_rows)):
        np.savetxt(os.path.join(out_dir, f'{split}-part-{i:05d}.csv'), table[s:s + shard_rows], fmt='%d', delimiter=',')
print(json.dumps({'seconds': time.perf_counter() - start, 'cpuSeconds': time.process_time() - cpu, 'numpy': np.__version__}))
`;

async function digest(dir: string): Promise<string> {
  const h = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) h.update(name).update(await readFile(join(dir, name)));
  return h.digest('hex');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  // Both sides write their shards to memory-backed /dev/shm when there is one: this measures
  // conversion, not the virtual disk's writeback.
  const base = process.env.BENCH_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const work = await mkdtemp(join(base, 'bench-preprocess-'));
  try {
    const gzDir = join(work, 'gz');
    await mkdir(gzDir);
    for (const { name, body } of await gzippedMnistFiles()) await writeFile(join(gzDir, name), body);
    const load = loadavg()[0]!;

    const ours: Array<{ seconds: number; cpuSeconds: number; decodeSeconds: number }> = [];
    let result = { images: 0, bytes: 0, shards: 0, decodeSeconds: 0 };
    const oursDir = join(work, 'ours');
    for (let run = 1; run <= runs; run++) {
      await rm(oursDir, { recursive: true, force: true });
      await mkdir(oursDir);
      const cpu = process.cpuUsage();
      const started = performance.now();
      result = await convertFromGz(gzDir, oursDir);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      ours.push({ seconds, cpuSeconds: (used.user + used.system) / 1e6, decodeSeconds: result.decodeSeconds });
      console.log(
        `node run ${run}: ${result.images} images → ${result.shards} shards, ${(result.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(3)} s ` +
          `(gunzip + parse ${result.decodeSeconds.toFixed(3)} s)`,
      );
    }

    const numpyDir = join(work, 'numpy');
    const numpy: number[] = [];
    const numpyCpu: number[] = [];
    let numpyVersion = '';
    for (let run = 1; run <= (nodeOnly ? 0 : runs); run++) {
      await rm(numpyDir, { recursive: true, force: true });
      await mkdir(numpyDir);
      const out = execFileSync('python3', ['-c', NUMPY_SCRIPT, mnistDataDir(), numpyDir, String(SHARD_ROWS)], {
        encoding: 'utf8',
      });
      const parsed = JSON.parse(out.trim().split('\n').pop()!) as {
        seconds: number;
        cpuSeconds: number;
        numpy: string;
      };
      numpy.push(parsed.seconds);
      numpyCpu.push(parsed.cpuSeconds);
      numpyVersion = parsed.numpy;
      console.log(`numpy ${parsed.numpy} savetxt run ${run}: ${parsed.seconds.toFixed(3)} s`);
    }
    const identical = nodeOnly ? undefined : (await digest(oursDir)) === (await digest(numpyDir));
    if (identical === false) console.error('bench: the CSV shards differ from numpy.savetxt output');

    const seconds = median(ours.map((r) => r.seconds));
    const numpySeconds = nodeOnly ? undefined : median(numpy);
    console.log(
      JSON.stringify({
        bench: 'preprocess',
        images: result.images,
        seconds: round(seconds),
        imagesPerSecond: Math.round(result.images / seconds),
        numpySeconds: numpySeconds === undefined ? null : round(numpySeconds),
        ratio: numpySeconds === undefined ? null : round(numpySeconds / seconds, 1),
        runs,
        cpuSeconds: round(median(ours.map((r) => r.cpuSeconds))),
        numpyCpuSeconds: nodeOnly ? null : round(median(numpyCpu)),
        cpuRatio: nodeOnly ? null : round(median(numpyCpu) / median(ours.map((r) => r.cpuSeconds)), 1),
        decodeSeconds: round(median(ours.map((r) => r.decodeSeconds))),
        secondsPerRun: ours.map((r) => round(r.seconds)),
        numpySecondsPerRun: numpy.map((s) => round(s)),
        numpyVersion,
        shards: result.shards,
        csvBytes: result.bytes,
        identicalToNumpy: identical,
        loadAverage1m: round(load, 2),
        outputDir: base,
        cores: (await import('node:os')).availableParallelism(),
      }),
    );
    if (identical === false) process.exitCode = 1;
  } finally {
    if (keep) console.error(`bench: kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

void main();
