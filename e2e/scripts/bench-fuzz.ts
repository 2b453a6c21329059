/**
 * `pnpm bench:fuzz`: a fresh offline cloud (quick profile) brought to READY, then ≥ 10,000
 * fast-check generated requests (see bench/fuzz-requests.ts) to POST /predict and to the model
 * server's POST /invocations from a separate process, then real digits to both.
 *   pnpm bench:fuzz [--requests 10000] [--seed N] [--concurrency 1 (per target)]
 * Last line: {"bench":"fuzz", requests, byStatus, 5xx and transportErrors (both must be 0), slowestMs, peakRssMb of the
 * cloud's process and of serve, realDigitCorrectAtEnd, loadAverage1m, ...}.
 */
import { parseArgs } from 'node:util';
import { withQuickCloud } from './bench/quick-cloud';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '10000' },
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const report = await withQuickCloud('fuzz', (run) =>
    run.runLoad('fuzz-client.ts', [run.apiUrl, run.serve.url, values.requests!, values.seed!, values.concurrency!]),
  );
  const { findings, ...result } = report.result;
  if (Array.isArray(findings) && findings.length > 0) {
    process.stderr.write(`[bench:fuzz] findings (5xx, errors, answers over 1 s):\n`);
    for (const f of findings) process.stderr.write(`  ${JSON.stringify(f)}\n`);
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: 'fuzz',
      ...result,
      peakRssMb: report.peakRssMb,
      secondsToReady: report.secondsToReady,
      loadAverage1m: report.loadAverage1m,
    })}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`bench:fuzz failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
