import { execSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '@digits/local-cloud/src/sagemaker/serve-process';
import {
  describeProcess,
  descendants,
  eventually,
  isRunning,
  portAccepts,
  processesWorkingIn,
} from '@digits/local-cloud/test/process-tree';
import { killTree, pipelineFacts, processesNaming, runStart, type StartRun } from './start-run';

/**
 * Issue 10: `pnpm start` survives being killed at any point. A quick run is killed — SIGKILL to
 * every process of its tree at once — during import, preprocess, training and deploy (each seen
 * in the CLI's own output lines); nothing of it may be left running or listening, and the same
 * command without --fresh must reach READY on the same data: one manifest for the dataset version,
 * and registry/live.json naming the model the endpoint serves. SIGTERM (kill) and SIGHUP (a closed
 * terminal) to pnpm alone must stop everything as Ctrl-C does. Each restart's time to READY is
 * printed (a figure, never asserted).
 */
const KILL_POINTS: Array<[stage: string, seen: RegExp]> = [
  ['import', /ingest +raw mnist\//],
  ['preprocess', /importPublicDataset: 4 copied/],
  ['training', /training +job \S+-a1 InProgress \(Training\)/],
  ['deploy', /endpoint +digits-local Creating/],
];
const READY = /^READY http/m;

describe('pnpm start: killed at any point, the restart reaches READY; stopped, nothing is left', () => {
  let dataDir: string;
  let ports: { api: number; s3: number; sageMaker: number };
  let args: string[];
  const runs: StartRun[] = [];
  const figures: string[] = [];

  beforeAll(async () => {
    // One data folder for every case (each first run is --fresh, its restart is not).
    dataDir = await mkdtemp(join(tmpdir(), 'start-faults-'));
    ports = { api: await freeLoopbackPort(), s3: await freeLoopbackPort(), sageMaker: await freeLoopbackPort() };
    args = ['--quick', '--data-dir', dataDir, '--port', `${ports.api}`, '--s3-port', `${ports.s3}`];
    args.push('--sagemaker-port', `${ports.sageMaker}`);
  });
  afterAll(async () => {
    for (const run of runs) if (run.pnpm.pid && isRunning(run.pnpm.pid)) killTree(run);
    await rm(dataDir, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`restart → READY: ${figures.join('; ')}\n`);
  });

  const start = (extra: string[] = []) => {
    const run = runStart([...args, ...extra]);
    runs.push(run);
    return run;
  };

  async function expectSeen(run: StartRun, text: RegExp, timeoutMs = 600_000) {
    const seen = await run.waitFor(text, timeoutMs);
    // The tail is in the message: toMatchObject's diff would hide it, and it is all CI keeps.
    if (!seen)
      throw new Error(`${text} not seen (exit ${run.pnpm.exitCode}); output tail:\n${run.output().slice(-4000)}`);
  }

  /** Nothing of the run is alive: not `pids`, nothing working in or naming the data folder, no port open. */
  async function expectNothingLeft(pids: number[]) {
    const left = () =>
      [...new Set([...pids, ...processesWorkingIn(dataDir), ...processesNaming(dataDir)])].filter(isRunning);
    const gone = await eventually(() => left().length === 0, 30_000);
    expect({ gone, left: left().map(describeProcess) }).toEqual({ gone: true, left: [] });
    const open = async () => (await Promise.all(Object.values(ports).map((port) => portAccepts(port)))).some(Boolean);
    await eventually(async () => !(await open()), 30_000, 500);
    const listening = execSync('ss -ltnp', { encoding: 'utf8' })
      .split('\n')
      .filter((line) => Object.values(ports).some((port) => line.includes(`:${port} `)));
    expect({ ports, listening }).toEqual({ ports, listening: [] });
  }

  /** Sends `signal` to pnpm alone (pnpm 12 runs the script in a process group of its own) and checks nothing is left. */
  async function expectCleanStop(run: StartRun, signal: NodeJS.Signals) {
    const pids = [run.pnpm.pid!, ...descendants(run.pnpm.pid!), ...processesWorkingIn(dataDir)];
    for (const port of Object.values(ports)) expect(await portAccepts(port)).toBe(true);
    process.kill(run.pnpm.pid!, signal);
    await run.exited;
    await expectNothingLeft(pids);
  }

  /** The same command without --fresh: READY, one manifest, live.json names what the endpoint serves. */
  async function expectRestartReady(label: string, manifestBefore: string | undefined, jobs: string[] = []) {
    const startedAt = Date.now();
    const again = start();
    await expectSeen(again, READY, 900_000);
    figures.push(`${label} ${Math.round((Date.now() - startedAt) / 1000)}s`);
    const output = again.output();
    expect(output).not.toContain('STUCK');
    const facts = await pipelineFacts(ports, jobs);
    expect(facts.manifests).toHaveLength(1);
    const [dataset, version] = facts.manifests[0]!.split('/');
    if (manifestBefore) expect(`${dataset}/${version}`).toBe(manifestBefore);
    expect(facts.endpoint).toEqual({ status: 'InService', config: facts.live.endpointConfigName });
    // Trained on that manifest's data: job names carry the version (digits-<stage>--<dataset>-<version12>-<hash>-a<N>).
    expect(facts.live.trainingJobName).toMatch(
      new RegExp(`^digits-local--${dataset}-${version!.slice(2, 14)}-[0-9a-f]+-a\\d+$`),
    );
    expect(output).toContain(`live model ${facts.live.trainingJobName} `);
    return { again, facts };
  }

  it.each(KILL_POINTS)(
    'SIGKILL of the whole tree during %s: nothing is left, and the restart reaches READY on the same data',
    async (stage, seen) => {
      const first = start(['--fresh']);
      await expectSeen(first, seen);
      const killed = killTree(first);
      await first.exited;
      await expectNothingLeft(killed);
      const manifestBefore = /preprocess +manifest (\S+):/.exec(first.output())?.[1];
      const killedJob =
        stage === 'training' ? /training +job (\S+-a1) InProgress/.exec(first.output())![1]! : undefined;

      const { again, facts } = await expectRestartReady(
        `SIGKILL during ${stage}`,
        manifestBefore,
        killedJob ? [killedJob] : [],
      );
      if (killedJob) {
        // The local SageMaker found the killed attempt's process gone: Failed; reconcile at boot started the next.
        expect(facts.jobs).toEqual([
          { name: killedJob, status: 'Failed', reason: expect.stringMatching(/local SageMaker was stopped/) },
        ]);
        expect(again.output()).toMatch(/reconcile +\S+: .*"status":"started","attempt":2/);
        expect(facts.live.trainingJobName).toBe(killedJob.replace(/-a1$/, '-a2'));
      }
      await expectCleanStop(again, 'SIGTERM');
    },
    1_800_000,
  );

  it('SIGTERM to pnpm during training leaves nothing behind; the restart trains again and SIGHUP once READY is as clean', async () => {
    const first = start(['--fresh']);
    await expectSeen(first, /training +job \S+-a1 InProgress \(Training\)/);
    // The status line can come a moment before the container's process starts.
    expect(await eventually(() => processesWorkingIn(dataDir).length > 0, 30_000)).toBe(true);
    const stoppedJob = /training +job (\S+-a1) InProgress \(Training\)/.exec(first.output())?.[1];
    await expectCleanStop(first, 'SIGTERM');

    const { again, facts } = await expectRestartReady(
      'SIGTERM during training',
      /preprocess +manifest (\S+):/.exec(first.output())?.[1],
      stoppedJob ? [stoppedJob] : [],
    );
    // The stopped attempt ends Failed as interrupted: recorded by the stop itself (its progress line)
    // or, when the stop was cut short (seen under load in CI, cause not found), by the local
    // SageMaker at the restart — never left InProgress.
    expect(facts.jobs).toEqual([
      { name: stoppedJob, status: 'Failed', reason: expect.stringMatching(/local SageMaker was stopped/) },
    ]);
    expect(again.output()).toContain('importPublicDataset: 0 copied, 4 already there');
    await expectCleanStop(again, 'SIGHUP');
  }, 1_800_000);
});
