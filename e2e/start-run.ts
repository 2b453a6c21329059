import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseManifestKey, REGISTRY_LIVE_KEY, type LivePointer } from '@digits/common';
import { localAwsEnv, REPO_ROOT } from '@digits/local-cloud';
import { descendants, eventually } from '@digits/local-cloud/test/process-tree';

/** A real `pnpm start` in its own process group (as a terminal runs a job), with its output kept. */
export interface StartRun {
  pnpm: ChildProcess;
  output(): string;
  /** Resolves true once the output matches `text` (false if pnpm exited or `timeoutMs` passed first). */
  waitFor(text: string | RegExp, timeoutMs: number): Promise<boolean>;
  exited: Promise<number | null>;
}

export function runStart(args: string[]): StartRun {
  const pnpm = spawn('pnpm', ['start', ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  pnpm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  pnpm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => pnpm.once('exit', (code) => resolve(code)));
  const seen = (text: string | RegExp) => (typeof text === 'string' ? output.includes(text) : text.test(output));
  return {
    pnpm,
    output: () => output,
    waitFor: async (text, timeoutMs) =>
      (await eventually(() => seen(text) || pnpm.exitCode !== null, timeoutMs, 100)) && seen(text),
    exited,
  };
}

/**
 * SIGKILL to every process of a run at once — pnpm, the CLI, the functions' workers and the model
 * containers, each in whatever process group it made — as a power cut or the OOM killer would.
 * Returns the pids it killed.
 */
export function killTree(run: StartRun): number[] {
  const pids = [run.pnpm.pid!, ...descendants(run.pnpm.pid!)];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}

/** Live processes whose command line names `text` (a run's data folder: the CLI itself carries it). */
export function processesNaming(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** What a READY local cloud holds: every manifest key, live.json, the endpoint's current config, and how `jobs` ended. */
export async function pipelineFacts(ports: { s3: number; sageMaker: number }, jobs: string[] = [], stage = 'local') {
  const env = localAwsEnv({});
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
  const region = env.AWS_REGION!;
  const s3 = new S3Client({ endpoint: `http://127.0.0.1:${ports.s3}`, forcePathStyle: true, region, credentials });
  const sageMaker = new SageMakerClient({ endpoint: `http://127.0.0.1:${ports.sageMaker}`, region, credentials });
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: `digits-${stage}-processed` }));
    const manifests = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => parseManifestKey(k));
    const live = await s3.send(new GetObjectCommand({ Bucket: `digits-${stage}-artifacts`, Key: REGISTRY_LIVE_KEY }));
    const pointer = JSON.parse(await live.Body!.transformToString()) as LivePointer;
    const endpoint = await sageMaker.send(new DescribeEndpointCommand({ EndpointName: `digits-${stage}` }));
    const described = await Promise.all(
      jobs.map((TrainingJobName) => sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName }))),
    );
    return {
      manifests,
      live: pointer,
      endpoint: { status: endpoint.EndpointStatus, config: endpoint.EndpointConfigName },
      jobs: described.map((j) => ({ name: j.TrainingJobName, status: j.TrainingJobStatus, reason: j.FailureReason })),
    };
  } finally {
    s3.destroy();
    sageMaker.destroy();
  }
}
