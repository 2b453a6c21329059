/**
 * The load of `pnpm bench:fuzz`, run in its own process: generated requests to /predict and to
 * serve's /invocations, `concurrency` at a time to each (the local API has one warm worker, so
 * more would time the queue, not the answer), then real MNIST digits to both.
 * argv: <API URL> <serve URL> <requests> <seed> <concurrency>. Prints one JSON object.
 */
import fc from 'fast-check';
import { sampleTestDigits } from '@digits/local-cloud';
import { buildFixtures, invocationRequests, predictRequests, type FuzzRequest } from './fuzz-requests';

const [apiUrl, serveUrl, count = '10000', seed = '1', concurrency = '1'] = process.argv.slice(2);
/** An answer slower than this is reported as a finding. */
const SLOW_MS = 1000;

interface Finding {
  target: string;
  /** Position in its target's draw (0-based): the same seed draws it again. */
  index: number;
  what: string;
  contentType?: string;
  bytes: number;
  status: number | string;
  ms: number;
  /** /predict only: X-Latency-Ms, the time spent inside the function. */
  functionMs?: number;
  body?: string;
}

async function send(
  r: FuzzRequest,
): Promise<{ status: number | string; ms: number; functionMs?: number; body: string }> {
  const url = r.target === 'predict' ? `${apiUrl}/predict` : `${serveUrl}/invocations`;
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: r.contentType === undefined ? {} : { 'content-type': r.contentType },
      body: new Uint8Array(r.body),
      signal: AbortSignal.timeout(60_000),
    });
    const body = await res.text();
    const functionMs = Number(res.headers.get('x-latency-ms') ?? NaN);
    return { status: res.status, ms: performance.now() - started, body, ...(functionMs >= 0 ? { functionMs } : {}) };
  } catch (e) {
    return { status: `error: ${transportError(e)}`, ms: performance.now() - started, body: '' };
  }
}

/** undici's `fetch failed` hides what happened on the socket: name its cause (code and message). */
function transportError(e: unknown): string {
  const error = e as Error & { cause?: { code?: string; message?: string } };
  const cause = error.cause;
  if (!cause) return error.message;
  return `${error.message} (${[cause.code, cause.message].filter(Boolean).join(': ')})`;
}

type Digit = { png: Uint8Array; label: number };

/** `count` requests drawn lazily, 200 at a time (each draw reproducible from the seed). */
function* generate(arbitrary: fc.Arbitrary<FuzzRequest>, count: number, seed: number): Generator<FuzzRequest> {
  for (let drawn = 0, k = 0; drawn < count; k++) {
    const n = Math.min(200, count - drawn);
    yield* fc.sample(arbitrary, { numRuns: n, seed: seed * 7919 + k });
    drawn += n;
  }
}

/** The digits both /predict and /invocations classify correctly. */
async function classify(digits: Digit[]): Promise<Digit[]> {
  const right: Digit[] = [];
  for (const d of digits) {
    const post = (url: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(d.png) });
    const [api, inv] = await Promise.all([post(`${apiUrl}/predict`), post(`${serveUrl}/invocations`)]);
    const apiDigit = api.ok ? ((await api.json()) as { digit: number }).digit : -1;
    const invDigit = inv.ok
      ? ((await inv.json()) as { predictions: Array<{ digit: number }> }).predictions[0]!.digit
      : -1;
    if (apiDigit === d.label && invDigit === d.label) right.push(d);
  }
  return right;
}

async function main(): Promise<void> {
  const total = Number(count);
  const digits = await sampleTestDigits(40, 1000);
  const fx = await buildFixtures(digits.map((d) => Buffer.from(d.png)));
  const toPredict = Math.ceil(total * 0.7);
  // Real digits the model gets right before the fuzz (the quick model is not perfect).
  const checked = await classify(digits.slice(0, 20));

  const byStatus: Record<string, number> = {};
  const findings: Finding[] = [];
  let slowest: Finding | undefined;
  let slowestFunctionMs = 0;
  let done = 0;
  const drawn = { predict: 0, invocations: 0 };
  const run = async (queue: Iterator<FuzzRequest>) => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const r = next.value;
      const index = drawn[r.target]++;
      const { status, ms, functionMs, body } = await send(r);
      const key = `${r.target} ${status}`;
      byStatus[key] = (byStatus[key] ?? 0) + 1;
      const finding: Finding = {
        target: r.target,
        index,
        what: r.what.slice(0, 200),
        ...(r.contentType === undefined ? {} : { contentType: r.contentType }),
        bytes: r.body.length,
        status,
        ms: Math.round(ms),
        ...(functionMs === undefined ? {} : { functionMs }),
        body: body.slice(0, 300),
      };
      if (!slowest || ms > slowest.ms) slowest = finding;
      if (functionMs !== undefined && functionMs > slowestFunctionMs) slowestFunctionMs = functionMs;
      if (typeof status !== 'number' || status >= 500 || ms > SLOW_MS) findings.push(finding);
      if (++done % 1000 === 0) process.stderr.write(`[bench:fuzz] ${done}/${total}\n`);
    }
  };
  const queues = [
    generate(predictRequests(fx), toPredict, Number(seed)),
    generate(invocationRequests(fx), total - toPredict, Number(seed) + 1),
  ];
  await Promise.all(queues.flatMap((q) => Array.from({ length: Number(concurrency) }, () => run(q))));

  // Real digits, after everything: still answered by both, as correctly as before the fuzz.
  const after = await classify(checked);
  const countOf = (pattern: RegExp) =>
    Object.entries(byStatus)
      .filter(([k]) => pattern.test(k))
      .reduce((a, [, n]) => a + n, 0);
  process.stdout.write(
    `${JSON.stringify({
      requests: done,
      seed: Number(seed),
      byStatus,
      '5xx': countOf(/ 5\d\d$/),
      // No status at all (a reset, a refused connection): must be 0 like 5xx.
      transportErrors: countOf(/ error: /),
      slowestMs: slowest?.ms,
      slowestFunctionMs,
      slowest,
      slowOver1s: findings.filter((f) => f.ms > SLOW_MS).length,
      // Transport errors first: they are the rarest and the ones to explain.
      findings: [
        ...findings.filter((f) => typeof f.status !== 'number'),
        ...findings.filter((f) => typeof f.status === 'number'),
      ].slice(0, 30),
      realDigitCorrectAtEnd: checked.length > 0 && after.length === checked.length,
      realDigitsCorrect: { before: checked.length, after: after.length },
    })}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`fuzz client failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
