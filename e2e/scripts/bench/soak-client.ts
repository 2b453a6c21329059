/**
 * The load of `pnpm bench:soak`, run in its own process: autocannon cycling through a fixed mix of
 * valid and invalid /predict requests (and /health), each with the status it must get.
 * argv: <API URL> <requests> <connections>. Prints one JSON object.
 */
import autocannon from 'autocannon';
import { sampleTestDigits } from '@digits/local-cloud';
import { manyLargeImagesJson } from '../../../services/inference/test/support/hostile-images';

const [apiUrl, amount = '50000', connections = '8'] = process.argv.slice(2);

interface Kind {
  name: string;
  expect: number;
  method?: 'GET' | 'POST';
  path?: string;
  contentType?: string;
  body?: Buffer | string;
}

async function kinds(): Promise<Kind[]> {
  const digits = await sampleTestDigits(4, 2000);
  const png = Buffer.from(digits[0]!.png);
  const b64 = png.toString('base64');
  const valid: Kind[] = digits.map((d, i) => ({
    name: `digit PNG ${i}`,
    expect: 200,
    contentType: 'image/png',
    body: Buffer.from(d.png),
  }));
  return [
    ...valid,
    {
      name: 'JSON data URL',
      expect: 200,
      contentType: 'application/json',
      body: JSON.stringify({ image: `data:image/png;base64,${b64}` }),
    },
    {
      name: 'JSON pixels',
      expect: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        pixels: Array(784)
          .fill(0)
          .map((_, i) => (i % 29 === 0 ? 255 : 0)),
      }),
    },
    {
      name: 'batch of 8',
      expect: 200,
      contentType: 'application/json',
      body: JSON.stringify({ instances: Array(8).fill(b64) }),
    },
    { name: 'health', expect: 200, method: 'GET', path: '/health' },
    { name: 'garbage bytes', expect: 400, contentType: 'image/png', body: Buffer.from('not an image at all') },
    { name: 'truncated PNG', expect: 400, contentType: 'image/png', body: png.subarray(0, 100) },
    { name: 'malformed JSON', expect: 400, contentType: 'application/json', body: '{"instances": [' },
    { name: 'GIF', expect: 415, contentType: 'image/gif', body: Buffer.from('GIF89a') },
    { name: 'no content type', expect: 415, body: png },
    {
      name: 'batch over 256',
      expect: 413,
      contentType: 'application/json',
      body: JSON.stringify({ instances: Array(257).fill(0) }),
    },
    { name: 'over the decode budget', expect: 413, contentType: 'application/json', body: manyLargeImagesJson(20) },
  ];
}

async function main(): Promise<void> {
  const mix = await kinds();
  const byKind: Record<string, Record<number, number>> = {};
  let unexpected = 0;
  const result = await autocannon({
    url: apiUrl!,
    amount: Number(amount),
    connections: Number(connections),
    timeout: 30,
    requests: mix.map((k) => ({
      method: k.method ?? 'POST',
      path: k.path ?? '/predict',
      headers: k.contentType ? { 'content-type': k.contentType } : {},
      ...(k.body === undefined ? {} : { body: k.body }),
      onResponse: (status: number) => {
        const counts = (byKind[k.name] ??= {});
        counts[status] = (counts[status] ?? 0) + 1;
        if (status !== k.expect) unexpected++;
      },
    })),
  });
  process.stdout.write(
    `${JSON.stringify({
      requests: result.requests.total,
      connections: Number(connections),
      seconds: result.duration,
      rps: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      unexpectedStatuses: unexpected,
      connectionErrors: result.errors,
      timeouts: result.timeouts,
      byKind,
    })}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`soak client failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
