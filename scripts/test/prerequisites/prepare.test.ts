import { installSteps, missingMessage, prepare, SIMULATED, type Step, type System } from '../../prerequisites/prepare';
import { PREREQUISITES, prerequisitesFor, type Probe } from '../../test-prerequisites';

const key = (probe: Probe) =>
  probe.kind === 'file' ? probe.path : probe.kind === 'command' ? probe.name : probe.module;

/** What an installer puts where the probes look, when its step succeeds. */
const PROVIDES: Record<string, string> = {
  chromium: '/usr/bin/chromium',
  'moto[server]==5.2.1': 'moto_server',
  'awscli==1.45.11': 'aws',
  'cfn-lint==1.51.0': 'cfn-lint',
};

interface Machine {
  present?: string[];
  isRoot?: boolean;
  whyNoApt?: string;
  whyNoPip?: string;
  /** A failure detail for the steps that fail here. */
  fails?: (step: Step) => string | undefined;
  /** Installers that succeed without putting the tool where the tests look. */
  installsElsewhere?: boolean;
}

function machine(m: Machine): System & { steps: Step[] } {
  const present = new Set(m.present ?? []);
  const steps: Step[] = [];
  return {
    steps,
    isRoot: m.isRoot ?? true,
    has: (probe) => present.has(key(probe)),
    whyNoApt: () => m.whyNoApt,
    whyNoPip: () => m.whyNoPip,
    run(step) {
      steps.push(step);
      const failure = m.fails?.(step);
      if (failure) return { ok: false, detail: failure };
      if (!m.installsElsewhere) for (const arg of step.args) if (PROVIDES[arg]) present.add(PROVIDES[arg]);
      return { ok: true, detail: '' };
    },
  };
}

const ALL = ['/usr/bin/chromium', 'moto_server', 'aws', 'cfn-lint', 'numpy'];
const testTools = prerequisitesFor('test');
const commandLine = (s: Step) => [s.command, ...s.args].join(' ');

describe('prepare', () => {
  it('runs nothing when every tool is where the tests look', () => {
    const system = machine({ present: ALL });
    const lines: string[] = [];
    expect(prepare(testTools, system, { log: (l) => lines.push(l) })).toEqual({
      present: ['chromium', 'moto_server', 'aws'],
      installed: [],
      missing: [],
    });
    expect(system.steps).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('installs chromium with apt-get as root on Debian and says so in one line', () => {
    const system = machine({ present: ['moto_server', 'aws'] });
    const lines: string[] = [];
    const outcome = prepare(testTools, system, { log: (l) => lines.push(l) });
    expect(outcome).toEqual({ present: ['moto_server', 'aws'], installed: ['chromium'], missing: [] });
    expect(system.steps.map(commandLine)).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);
    expect(system.steps.every((s) => s.env?.DEBIAN_FRONTEND === 'noninteractive')).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prepare-test: installed chromium with `apt-get install -y chromium` \(\d+ s\)$/);
  });

  it('installs nothing with apt where it cannot (not root): the message gives the sudo command', () => {
    const system = machine({ present: ['moto_server', 'aws'], isRoot: false, whyNoApt: 'not running as root' });
    const outcome = prepare(testTools, system);
    expect(system.steps).toEqual([]);
    expect(outcome.missing).toEqual([
      {
        name: 'chromium',
        usedBy: expect.stringContaining('browser test'),
        command: 'sudo apt-get install -y chromium',
        reason: 'not running as root',
      },
    ]);
  });

  it('stops at a failed apt-get update and reports it', () => {
    const system = machine({
      present: ['moto_server', 'aws'],
      fails: (s) => (s.args[0] === 'update' ? 'exit 100: E: Could not resolve deb.debian.org' : undefined),
    });
    const outcome = prepare(testTools, system);
    expect(system.steps.map(commandLine)).toEqual(['apt-get update -qq']);
    expect(outcome.missing[0]?.reason).toBe('apt-get update failed: exit 100: E: Could not resolve deb.debian.org');
  });

  it('installs the missing Python tools with one pip run', () => {
    const system = machine({ present: ['/usr/bin/chromium'] });
    const lines: string[] = [];
    const outcome = prepare(testTools, system, { log: (l) => lines.push(l) });
    expect(outcome.installed).toEqual(['moto_server', 'aws']);
    expect(system.steps.map(commandLine)).toEqual([
      'python3 -m pip install --retries 1 --timeout 15 moto[server]==5.2.1 awscli==1.45.11',
      'sh -c if command -v pyenv >/dev/null; then pyenv rehash; fi',
    ]);
    expect(lines).toEqual([
      expect.stringContaining("installed moto_server with `python3 -m pip install 'moto[server]==5.2.1'`"),
      expect.stringContaining('installed aws with `python3 -m pip install awscli==1.45.11`'),
    ]);
  });

  it("reports pip failing to reach its index as missing tools, with pip's reason and the command", () => {
    const unreachable = 'exit 1: ERROR: Could not find a version that satisfies the requirement moto[server]==5.2.1';
    const system = machine({
      present: ['/usr/bin/chromium'],
      fails: (s) => (s.command === 'python3' ? unreachable : undefined),
    });
    const outcome = prepare(testTools, system);
    expect(outcome.installed).toEqual([]);
    expect(outcome.missing.map((m) => [m.name, m.command])).toEqual([
      ['moto_server', "python3 -m pip install 'moto[server]==5.2.1'"],
      ['aws', 'python3 -m pip install awscli==1.45.11'],
    ]);
    for (const m of outcome.missing) expect(m.reason).toBe(`pip install failed: ${unreachable}`);
  });

  it('does not try pip where there is none', () => {
    const system = machine({ present: ['/usr/bin/chromium', 'aws'], whyNoPip: 'python3 is not on PATH' });
    expect(prepare(testTools, system).missing).toEqual([
      expect.objectContaining({ name: 'moto_server', reason: 'python3 is not on PATH' }),
    ]);
    expect(system.steps).toEqual([]);
  });

  it('trusts the probe, not the installer: a tool installed off PATH is still missing', () => {
    const system = machine({ present: ['/usr/bin/chromium', 'aws'], installsElsewhere: true });
    expect(prepare(testTools, system).missing).toEqual([
      expect.objectContaining({ name: 'moto_server', reason: 'installed, but moto_server on PATH is still not there' }),
    ]);
  });

  it('treats a simulated uninstallable tool as missing even where it is present, and installs nothing for it', () => {
    const system = machine({ present: ALL });
    const outcome = prepare(testTools, system, { uninstallable: new Set(['chromium']) });
    expect(outcome.missing).toEqual([expect.objectContaining({ name: 'chromium', reason: SIMULATED })]);
    expect(outcome.present).toEqual(['moto_server', 'aws']);
    expect(system.steps).toEqual([]);
  });
});

describe('missingMessage', () => {
  it('is one message naming each missing tool with the command that installs it', () => {
    const message = missingMessage([
      {
        name: 'chromium',
        usedBy: 'the browser test',
        command: 'sudo apt-get install -y chromium',
        reason: 'not running as root',
      },
      {
        name: 'aws',
        usedBy: 'the AWS CLI tests',
        command: 'python3 -m pip install awscli==1.45.11',
        reason: 'python3 is not on PATH',
      },
    ]);
    expect(message).toMatch(/^prepare-test: stopped before running anything: 2 tools the tests need are missing/);
    expect(message).toContain('  chromium: sudo apt-get install -y chromium\n');
    expect(message).toContain('  aws: python3 -m pip install awscli==1.45.11\n');
    expect(message).toContain('not running as root');
    expect(message.endsWith('\n')).toBe(true);
  });
});

describe('installSteps', () => {
  it('gives pip a short timeout so an unreachable index fails in seconds', () => {
    const [pip] = installSteps([{ via: 'pip', requirement: 'numpy==2.4.6' }]);
    expect(pip?.args).toEqual(expect.arrayContaining(['--retries', '1', '--timeout', '15']));
  });
});

describe('the list', () => {
  it('holds, per scope, what that scope runs', () => {
    const names = (scope: Parameters<typeof prerequisitesFor>[0]) => prerequisitesFor(scope).map((p) => p.name);
    expect(names('test')).toEqual(['chromium', 'moto_server', 'aws']);
    expect(names('ci')).toEqual(['chromium', 'moto_server', 'aws', 'cfn-lint']);
    expect(names('bench')).toEqual(['numpy']);
    expect(new Set(PREREQUISITES.map((p) => p.name)).size).toBe(PREREQUISITES.length);
  });
});
