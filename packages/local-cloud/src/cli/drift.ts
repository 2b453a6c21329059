/**
 * `pnpm drift`: run the monitoring service's drift job now, against the local cloud `pnpm start`
 * is running (its S3 and SageMaker ports), the way `sls invoke -f drift` would on AWS; prints the
 * report. The function is the unchanged one, bundled and run by the same local Lambda runner.
 *
 *   pnpm drift [--from ISO] [--to ISO] [--s3-port N] [--sagemaker-port N] [--data-dir DIR]
 * Without --from/--to: the function's own window (the last DRIFT_WINDOW_HOURS).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MetricsFile, startFunctions } from '../functions';
import { functionBaseEnv, metricsFilePath, REPO_ROOT } from '../local-cloud';
import { localAwsEnv } from '../local-s3';
import { DEFAULT_PORTS } from './options';

export const DRIFT_USAGE =
  'usage: pnpm drift [--from ISO] [--to ISO] [--s3-port N] [--sagemaker-port N] [--data-dir DIR]  (with pnpm start running)';

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      's3-port': { type: 'string', default: String(DEFAULT_PORTS.s3) },
      'sagemaker-port': { type: 'string', default: String(DEFAULT_PORTS.sageMaker) },
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.local') },
    },
    strict: true,
  });
  const s3 = `http://127.0.0.1:${values['s3-port']}`;
  const sagemaker = `http://127.0.0.1:${values['sagemaker-port']}`;
  if (!(await reachable(s3))) {
    process.stderr.write(
      `drift: no local S3 answers at ${s3}: start the local cloud first (pnpm start)\n${DRIFT_USAGE}\n`,
    );
    return 2;
  }
  const awsEnv = localAwsEnv({ s3, sagemaker, sagemakerRuntime: sagemaker });
  const cacheDir = await mkdtemp(join(tmpdir(), 'digits-drift-'));
  const functions = await startFunctions({
    serviceDirs: [join(REPO_ROOT, 'services', 'monitoring')],
    stage: 'local',
    baseEnv: functionBaseEnv(awsEnv),
    configEnv: { ...(process.env as Record<string, string>), ...awsEnv },
    cacheDir,
    metricsFile: new MetricsFile(metricsFilePath(values['data-dir']!)),
    log: (line) => {
      if (/ERROR|WARN/.test(line)) process.stderr.write(`${line}\n`);
    },
  });
  try {
    const window = { ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) };
    const report = (await functions.invoke('drift', window)) as { status?: string; score?: number; failed?: unknown };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.failed) return 1;
    process.stdout.write(`drift: ${report.status} (score ${report.score})\n`);
    return 0;
  } finally {
    await functions.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`drift failed: ${e.message}\n`);
    process.exit(1);
  },
);
