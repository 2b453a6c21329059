/** Runs steps in order, printing each; stops at the first failure and says which step and why. */
import type { Step } from './steps';

export interface StepRunner {
  /** Runs a command (output shown as it comes); resolves with its exit code and the tail of its output. */
  command(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }>;
  /** Deletes every object version and delete marker in the bucket; resolves with how many. A missing bucket is 0. */
  emptyBucket(bucket: string): Promise<number>;
}

export type StepsResult = { ok: true; ran: number } | { ok: false; ran: number; failed: Step; reason: string };

const shown = (s: Step): string =>
  s.kind === 'command'
    ? `${s.command} ${s.args.join(' ')}  (in ${s.cwd})`
    : `delete every object version in s3://${s.bucket}`;

export async function runSteps(steps: Step[], runner: StepRunner, print: (line: string) => void): Promise<StepsResult> {
  for (const [i, step] of steps.entries()) {
    print(`[${i + 1}/${steps.length}] ${step.title}: ${shown(step)}`);
    let reason: string | undefined;
    try {
      if (step.kind === 'command') {
        const { code, output } = await runner.command(step.command, step.args, step.cwd);
        if (code !== 0) {
          if (step.allowFailure?.test(output)) print(`  (nothing to do: ${output.trim().split('\n').pop()})`);
          else
            reason = `exit code ${code}${output.trim() ? `: ${output.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
        }
      } else {
        const deleted = await runner.emptyBucket(step.bucket);
        print(`  ${deleted} object version(s) deleted`);
      }
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason !== undefined) {
      print(`FAILED at step ${i + 1}/${steps.length} (${step.title}): ${reason}`);
      print(`stopped: steps ${i + 2}-${steps.length} were not run`);
      return { ok: false, ran: i, failed: step, reason };
    }
  }
  print(`done: ${steps.length} steps`);
  return { ok: true, ran: steps.length };
}
