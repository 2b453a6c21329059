/**
 * pnpm bench:predict — the /predict handler path for single PNG requests:
 *   API-Gateway event (base64 PNG) → middy → parse → normalise → InvokeEndpoint over loopback
 *   (local-cloud SageMaker → packages/model `serve`) → JSON answer with the model record.
 * Inputs are real MNIST test digits rendered as the upload a user sends (112×112 PNG, dark ink on
 * white). Requests go one after another (a Lambda container handles one at a time).
 *
 * Each request is sent twice in turn, to the API without and with the issue-13 instrumentation
 * (Powertools Metrics publishing EMF, Tracer middleware, capture of DIGITS_CAPTURE_RATE (0.05) of
 * requests to the local S3, 25 records an object), so the cost of the instrumentation is measured in the same run on the
 * same load: `instrumentation_ms` (median of the per-request differences, and of the means).
 *
 *   pnpm bench:predict [--requests 500] [--warmup 30] [--model <dir with model.json>]
 * Without --model (or BENCH_MODEL_DIR) a quick softmax model is trained first (a few seconds).
 * The last line is one JSON object: {"bench":"predict",...}.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, createS3Client, type ModelMetadata } from '@digits/common';
import { initBackend, loadModel } from '@digits/model';
import { lambdaContext, mnistTestSamples, pngOf, postImage } from '@digits/test-kit';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createFunctionTelemetry, functionInstrumentation } from '@digits/lambda-kit';
import { createApi } from '../../services/inference/src/http/app';
import { createClients, createServices } from '../../services/inference/src/services';
import { startLocalStack } from '../predict-stack';
import { trainQuickModel } from '../quick-model';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '30' },
    model: { type: 'string' },
  },
});
const requests = Number(values.requests);
/** serverless.yml's defaults: DIGITS_CAPTURE_RATE, DIGITS_CAPTURE_BATCH, DIGITS_CAPTURE_FLUSH_SECONDS. */
const CAPTURE_RATE = 0.05;
const CAPTURE_BATCH = 25;
const CAPTURE_FLUSH_SECONDS = 60;
const warmup = Number(values.warmup);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const backend = await initBackend();
  let modelDir = values.model ?? process.env.BENCH_MODEL_DIR;
  let metadata: ModelMetadata;
  let trained: string | undefined;
  if (modelDir) {
    metadata = (await loadModel(modelDir)).metadata;
  } else {
    const t = performance.now();
    const quick = await trainQuickModel();
    ({ modelDir, metadata } = quick);
    trained = join(modelDir, '..');
    console.log(
      `trained a quick softmax model in ${((performance.now() - t) / 1000).toFixed(1)} s (test accuracy ${metadata.testAccuracy.toFixed(4)})`,
    );
  }
  const stack = await startLocalStack(modelDir, metadata, {
    endpointName: 'digits-bench',
    artifactsBucket: 'digits-bench-artifacts',
  });
  try {
    const config = { endpointName: stack.endpointName, artifactsBucket: stack.artifactsBucket, corsOrigins: ['*'] };
    const benchLogger = createLogger('bench', () => undefined);
    const plainApi = createApi(createServices(config, undefined, benchLogger));
    // The instrumented API as the Lambda handler builds it (handlers/api.ts), capture at the default rate.
    const monitoringBucket = 'digits-bench-monitoring';
    await createS3Client().send(new CreateBucketCommand({ Bucket: monitoringBucket }));
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'digits-bench';
    const telemetry = createFunctionTelemetry('inference');
    const instrumentedServices = () =>
      createServices(
        {
          ...config,
          monitoring: {
            bucket: monitoringBucket,
            captureRate: CAPTURE_RATE,
            captureBatch: CAPTURE_BATCH,
            captureFlushSeconds: CAPTURE_FLUSH_SECONDS,
          },
        },
        createClients((client) => telemetry.traceClient(client)),
        benchLogger,
        telemetry.metrics,
      );
    const instrumentedApi = createApi(instrumentedServices(), functionInstrumentation(telemetry));
    // The same pair with a fixed answer instead of InvokeEndpoint: the handler's own CPU time, so
    // the instrumentation's cost is not lost in the model server's noise on a loaded machine.
    const fixed = async (images: Float32Array[]) =>
      images.map(() => ({ digit: 7, probability: 0.9, probabilities: [0, 0, 0, 0, 0, 0, 0, 0.9, 0.1, 0] }));
    const withoutEndpoint = (services: ReturnType<typeof createServices>) => ({ ...services, invoke: fixed });
    const plainLocalApi = createApi(withoutEndpoint(createServices(config, undefined, benchLogger)));
    const instrumentedLocalApi = createApi(withoutEndpoint(instrumentedServices()), functionInstrumentation(telemetry));
    let emfLines = 0;
    const samples = await mnistTestSamples(Math.min(1000, Math.max(requests, warmup)));
    const events = samples.map((s) => postImage(pngOf(s.pixels), 'image/png'));
    const pngBytes = events.reduce((sum, e) => sum + Buffer.from(e.body!, 'base64').length, 0) / events.length;

    const run = async (i: number, instrumented = true, apis = { plain: plainApi, instrumented: instrumentedApi }) => {
      const event = events[i % events.length]!;
      const api = instrumented ? apis.instrumented : apis.plain;
      // The EMF line goes to stdout as on Lambda (its cost counted); here it is counted, not shown.
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => {
        if (String(chunk).includes('"CloudWatchMetrics"')) emfLines++;
        return true;
      }) as typeof process.stdout.write;
      const t = performance.now();
      let res;
      try {
        res = (await api(event, lambdaContext(`bench-${i}`))) as {
          statusCode: number;
          body: string;
          headers: Record<string, string>;
        };
      } finally {
        process.stdout.write = write;
      }
      const ms = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(`request ${i}: ${res.statusCode} ${res.body}`);
      const stages = Object.fromEntries(
        res.headers['Server-Timing']!.split(', ')
          .map((s) => s.split(';dur='))
          .map(([k, v]) => [k, Number(v)]),
      );
      return {
        ms,
        stages,
        digit: (JSON.parse(res.body) as { digit: number }).digit,
        label: samples[i % samples.length]!.label,
      };
    };

    for (let i = 0; i < warmup; i++) {
      await run(i, false);
      await run(i);
    }
    const results: Awaited<ReturnType<typeof run>>[] = [];
    const before: number[] = [];
    const deltas: number[] = [];
    for (let i = 0; i < requests; i++) {
      // Alternate which goes first, so neither always meets a warmer cache.
      const plainFirst = i % 2 === 0;
      const first = await run(i, !plainFirst);
      const second = await run(i, plainFirst);
      const [plain, instrumented] = plainFirst ? [first, second] : [second, first];
      results.push(instrumented);
      before.push(plain.ms);
      deltas.push(instrumented.ms - plain.ms);
    }
    const local = { plain: plainLocalApi, instrumented: instrumentedLocalApi };
    const localDeltas: number[] = [];
    const localBefore: number[] = [];
    for (let i = 0; i < warmup; i++) await run(i, i % 2 === 0, local);
    for (let i = 0; i < requests; i++) {
      const plainFirst = i % 2 === 0;
      const first = await run(i, !plainFirst, local);
      const second = await run(i, plainFirst, local);
      const [plain, instrumented] = plainFirst ? [first, second] : [second, first];
      localBefore.push(plain.ms);
      localDeltas.push(instrumented.ms - plain.ms);
    }
    const seconds = results.reduce((sum, r) => sum + r.ms, 0) / 1000;
    const median = (v: number[]) =>
      percentile(
        [...v].sort((a, b) => a - b),
        50,
      );
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const stage = (name: string) => {
      const v = results.map((r) => r.stages[name] ?? 0).sort((a, b) => a - b);
      return round(percentile(v, 50));
    };
    const correct = results.filter((r) => r.digit === r.label).length / results.length;
    const summary = {
      bench: 'predict',
      requests,
      p50_ms: round(percentile(sorted, 50)),
      p90_ms: round(percentile(sorted, 90)),
      p99_ms: round(percentile(sorted, 99)),
      max_ms: round(sorted[sorted.length - 1]!),
      requests_per_s: round(requests / seconds, 1),
      stage_p50_ms: {
        parse: stage('parse'),
        normalise: stage('normalise'),
        invoke: stage('invoke'),
        total: stage('total'),
      },
      png_bytes_avg: Math.round(pngBytes),
      instrumentation_ms: {
        median_pair_delta: round(median(deltas), 3),
        p50_before: round(median(before), 3),
        p50_after: round(median(results.map((r) => r.ms)), 3),
        mean_before: round(mean(before), 3),
        mean_after: round(mean(results.map((r) => r.ms)), 3),
        without_endpoint: {
          median_pair_delta: round(median(localDeltas), 3),
          mean_pair_delta: round(mean(localDeltas), 3),
          p50_before: round(median(localBefore), 3),
        },
        capture_rate: CAPTURE_RATE,
        capture_batch: CAPTURE_BATCH,
        emf_lines: emfLines,
      },
      accuracy: round(correct, 4),
      model: { testAccuracy: round(metadata.testAccuracy, 4), quick: trained !== undefined },
      serve_backend: backend,
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      loadavg_1m: round((await import('node:os')).loadavg()[0]!, 2),
    };
    console.log(
      `instrumentation (metrics + tracer + capture at ${CAPTURE_RATE}, ${CAPTURE_BATCH} records an object): median per-request cost ${summary.instrumentation_ms.median_pair_delta} ms with the endpoint, ${summary.instrumentation_ms.without_endpoint.median_pair_delta} ms (mean ${summary.instrumentation_ms.without_endpoint.mean_pair_delta} ms) without it (p50 ${summary.instrumentation_ms.p50_before} → ${summary.instrumentation_ms.p50_after} ms, mean ${summary.instrumentation_ms.mean_before} → ${summary.instrumentation_ms.mean_after} ms)`,
    );
    console.log(
      `handler p50 ${summary.p50_ms} ms, p99 ${summary.p99_ms} ms, ${summary.requests_per_s} req/s over ${requests} sequential PNG requests`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    await stack.close();
    if (trained) await rm(trained, { recursive: true, force: true });
  }
}

main().then(
  // tfjs-wasm may keep worker threads alive; the bench is done.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
