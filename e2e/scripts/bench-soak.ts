/**
 * `pnpm bench:soak`: a fresh offline cloud (quick profile) brought to READY, then 50,000 mixed
 * valid and invalid requests at 8 connections (autocannon, in a process of its own), while the
 * resident memory of the cloud's process and of the model server is sampled every 500 ms.
 *   pnpm bench:soak [--requests 50000] [--connections 8]
 * Last line: {"bench":"soak", requests, unexpectedStatuses (must be 0), p50Ms, p99Ms, rss: {main,
 * serve} each {first10PctMb, last10PctMb, growthMb, peakMb}, loadAverage1m, ...}.
 */
import { parseArgs } from 'node:util';
import { withQuickCloud, type RssSample } from './bench/quick-cloud';

/** Mean of the first and of the last 10% of the samples: growth between them is what a leak shows. */
function growth(samples: RssSample[], key: 'mainMb' | 'serveMb', peakMb: number) {
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const mean = (s: RssSample[]) => Math.round((s.reduce((a, x) => a + x[key], 0) / s.length) * 10) / 10;
  const first = mean(samples.slice(0, tenth));
  const last = mean(samples.slice(-tenth));
  return { first10PctMb: first, last10PctMb: last, growthMb: Math.round((last - first) * 10) / 10, peakMb };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '50000' },
      connections: { type: 'string', default: '8' },
    },
  });
  const report = await withQuickCloud('soak', (run) =>
    run.runLoad('soak-client.ts', [run.apiUrl, values.requests!, values.connections!]),
  );
  const { samples } = report;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'soak',
      ...report.result,
      rss: {
        main: growth(samples, 'mainMb', report.peakRssMb.main),
        serve: growth(samples, 'serveMb', report.peakRssMb.serve),
        samples: samples.length,
        // Every tenth of the run, for the shape of the curve.
        timeline: samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 10)) === 0),
      },
      secondsToReady: report.secondsToReady,
      loadAverage1m: report.loadAverage1m,
    })}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`bench:soak failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
