/**
 * The decisions of `scripts/prepare-test.ts`, apart from the machine they act on: which tools are
 * there, which can be installed without a question (and are, one line each), and which must be
 * installed by a person (one message naming each, with its command).
 */
import { installCommand, type Installer, type Prerequisite, type Probe } from '../test-prerequisites';

export interface Step {
  /** How a failure names it: `pip install`. */
  label: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  timeoutMs: number;
}

/** `detail` says in one line why a failed step failed. */
export interface StepResult {
  ok: boolean;
  detail: string;
}

/** The machine as the decisions see it; `realSystem()` in ./system is the one the CLI uses. */
export interface System {
  readonly isRoot: boolean;
  has(probe: Probe): boolean;
  /** Why Debian packages cannot be installed here without a question; undefined when they can. */
  whyNoApt(): string | undefined;
  /** Why pip cannot install here; undefined when it can try. */
  whyNoPip(): string | undefined;
  run(step: Step): StepResult;
}

export interface Missing {
  name: string;
  usedBy: string;
  command: string;
  reason: string;
}

export interface Outcome {
  present: string[];
  installed: string[];
  missing: Missing[];
}

export interface Options {
  /** Tools to treat as missing and impossible to install here (PREPARE_TEST_SIMULATE_UNINSTALLABLE). */
  uninstallable?: ReadonlySet<string>;
  log?: (line: string) => void;
}

export const SIMULATED = 'simulated as uninstallable (PREPARE_TEST_SIMULATE_UNINSTALLABLE)';

const MINUTE = 60_000;

/** What runs to install a group of tools that share an installer, in order. */
export function installSteps(installers: readonly Installer[]): Step[] {
  const apt = installers.flatMap((i) => (i.via === 'apt' ? [i.package] : []));
  const pip = installers.flatMap((i) => (i.via === 'pip' ? [i.requirement] : []));
  const steps: Step[] = [];
  if (apt.length) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    steps.push({ label: 'apt-get update', command: 'apt-get', args: ['update', '-qq'], env, timeoutMs: 5 * MINUTE });
    steps.push({
      label: 'apt-get install',
      command: 'apt-get',
      args: ['install', '-y', '-qq', ...apt],
      env,
      timeoutMs: 15 * MINUTE,
    });
  }
  // One retry and a short timeout: where the index is unreachable, say so in seconds, not minutes.
  if (pip.length) {
    const args = ['-m', 'pip', 'install', '--retries', '1', '--timeout', '15', ...pip];
    steps.push({ label: 'pip install', command: 'python3', args, timeoutMs: 10 * MINUTE });
    // pyenv puts new commands on PATH only through shims, made by `pyenv rehash`.
    const rehash = 'if command -v pyenv >/dev/null; then pyenv rehash; fi';
    steps.push({ label: 'pyenv rehash', command: 'sh', args: ['-c', rehash], timeoutMs: MINUTE });
  }
  return steps;
}

function where(probe: Probe): string {
  if (probe.kind === 'file') return probe.path;
  if (probe.kind === 'command') return `${probe.name} on PATH`;
  return `python3's ${probe.module} module`;
}

export function prepare(list: readonly Prerequisite[], system: System, options: Options = {}): Outcome {
  const uninstallable = options.uninstallable ?? new Set<string>();
  const log = options.log ?? (() => undefined);
  const outcome: Outcome = { present: [], installed: [], missing: [] };
  const miss = (p: Prerequisite, reason: string) =>
    outcome.missing.push({ name: p.name, usedBy: p.usedBy, command: installCommand(p.install, system.isRoot), reason });

  const absent: Prerequisite[] = [];
  for (const p of list) {
    if (uninstallable.has(p.name)) miss(p, SIMULATED);
    else if (system.has(p.probe)) outcome.present.push(p.name);
    else absent.push(p);
  }

  for (const via of ['apt', 'pip'] as const) {
    const group = absent.filter((p) => p.install.via === via);
    if (!group.length) continue;
    const why = via === 'apt' ? system.whyNoApt() : system.whyNoPip();
    if (why) {
      for (const p of group) miss(p, why);
      continue;
    }
    const started = Date.now();
    let failure: string | undefined;
    for (const step of installSteps(group.map((p) => p.install))) {
      const result = system.run(step);
      if (!result.ok) {
        failure = `${step.label} failed: ${result.detail}`;
        break;
      }
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    for (const p of group) {
      // Trust the probe, not the installer's exit code: it must be where the tests look for it.
      if (system.has(p.probe)) {
        outcome.installed.push(p.name);
        log(`prepare-test: installed ${p.name} with \`${installCommand(p.install, system.isRoot)}\` (${seconds} s)`);
      } else {
        miss(p, failure ?? `installed, but ${where(p.probe)} is still not there`);
      }
    }
  }
  return outcome;
}

/** The one message for everything a person has to install. */
export function missingMessage(missing: readonly Missing[]): string {
  const lines = [
    `prepare-test: stopped before running anything: ${missing.length === 1 ? 'a tool the tests need is' : `${missing.length} tools the tests need are`} missing and could not be installed here.`,
    'Install, then run the tests again:',
  ];
  for (const m of missing) {
    lines.push(`  ${m.name}: ${m.command}`);
    lines.push(`      needed by ${m.usedBy}; not installed automatically: ${m.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
