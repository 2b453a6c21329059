/**
 * Load generator for `pnpm bench:e2e`, run in its own process so it does not share an event loop
 * with the API it measures. argv: <base URL> <folder of PNGs> [requests] [connections] [warm-up].
 * A warm-up load runs first (JIT, connection pools) and is not counted: the figures are steady
 * state. Prints one JSON object: autocannon's latency/throughput/error figures and its own CPU time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

const [url, folder, amount = '3000', connections = '4', warmup = '500'] = process.argv.slice(2);
if (!url || !folder) {
  process.stderr.write('usage: load-predict <base URL> <png folder> [requests] [connections] [warm-up requests]\n');
  process.exit(2);
}
const bodies = readdirSync(folder)
  .filter((f) => f.endsWith('.png'))
  .map((f) => readFileSync(join(folder, f)));
let next = 0;

function load(requests: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/predict`,
    amount: requests,
    connections: Number(connections),
    // Bounded in time too, whatever the machine does.
    duration: 60,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }),
      },
    ],
  });
}

async function main(): Promise<void> {
  if (Number(warmup) > 0) await load(Number(warmup));
  const cpu = process.cpuUsage();
  const result = await load(Number(amount));
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({
      requests: result.requests.total,
      connections: Number(connections),
      warmupRequests: Number(warmup),
      seconds: result.duration,
      rps: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      non2xx: result.non2xx,
      // This process's own CPU over the counted load, so the benchmark can say what the load cost.
      cpuMs: Math.round((used.user + used.system) / 1000),
    })}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
