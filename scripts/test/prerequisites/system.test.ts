import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { failureLine, findOnPath, isDebianLike, realSystem } from '../../prerequisites/system';

describe('findOnPath', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prepare-test-path-'));
    await writeFile(join(dir, 'tool'), '#!/bin/sh\n');
    await chmod(join(dir, 'tool'), 0o755);
    await writeFile(join(dir, 'not-executable'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds an executable the way `command -v` does, and nothing else', () => {
    expect(findOnPath('tool', ['/nowhere', dir].join(delimiter))).toBe(join(dir, 'tool'));
    expect(findOnPath('not-executable', dir)).toBeUndefined();
    expect(findOnPath('tool', '')).toBeUndefined();
    expect(findOnPath('tool', undefined)).toBeUndefined();
  });
});

describe('isDebianLike', () => {
  it('knows Debian and Ubuntu (and their derivatives) from /etc/os-release', () => {
    expect(isDebianLike('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe(true);
    expect(isDebianLike('ID=ubuntu\nID_LIKE=debian\n')).toBe(true);
    expect(isDebianLike('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe(true);
    expect(isDebianLike('ID="fedora"\n')).toBe(false);
    expect(isDebianLike('ID=alpine\nPRETTY_NAME="not debian"\n')).toBe(false);
    expect(isDebianLike('')).toBe(false);
  });
});

describe('failureLine', () => {
  it("picks pip's and apt's error line out of their output", () => {
    const pip = [
      'Looking in indexes: https://pypi.org/simple',
      "WARNING: Retrying (Retry(total=0...)) after connection broken by 'NewConnectionError'",
      'ERROR: Could not find a version that satisfies the requirement awscli==1.45.11 (from versions: none)',
      'ERROR: No matching distribution found for awscli==1.45.11',
    ].join('\n');
    expect(failureLine(pip)).toBe(
      'ERROR: Could not find a version that satisfies the requirement awscli==1.45.11 (from versions: none)',
    );
    expect(failureLine('Reading package lists...\nE: Unable to locate package chromium\n')).toBe(
      'E: Unable to locate package chromium',
    );
    expect(failureLine('something odd\nthe end\n\n')).toBe('the end');
    expect(failureLine('')).toBe('no output');
  });
});

describe('realSystem().run', () => {
  it('says why a command failed in one line', () => {
    const run = realSystem().run;
    expect(run({ label: 'sh', command: 'sh', args: ['-c', 'exit 0'], timeoutMs: 10_000 })).toEqual({
      ok: true,
      detail: '',
    });
    expect(
      run({ label: 'sh', command: 'sh', args: ['-c', 'echo ERROR: no index >&2; exit 3'], timeoutMs: 10_000 }),
    ).toEqual({
      ok: false,
      detail: 'exit 3: ERROR: no index',
    });
    expect(run({ label: 'x', command: 'no-such-command-here', args: [], timeoutMs: 10_000 })).toEqual({
      ok: false,
      detail: expect.stringContaining('ENOENT'),
    });
  });

  it('passes the step its environment', () => {
    const run = realSystem({ PATH: process.env.PATH }).run;
    const step = {
      label: 'sh',
      command: 'sh',
      args: ['-c', 'test "$DEBIAN_FRONTEND" = noninteractive'],
      timeoutMs: 10_000,
    };
    expect(run({ ...step, env: { DEBIAN_FRONTEND: 'noninteractive' } }).ok).toBe(true);
    expect(run(step).ok).toBe(false);
  });
});

describe('realSystem without the tools on PATH', () => {
  it('finds neither commands nor an installer, and says why', () => {
    const system = realSystem({ PATH: '' });
    expect(system.has({ kind: 'command', name: 'sh' })).toBe(false);
    expect(system.has({ kind: 'python-module', module: 'json' })).toBe(false);
    expect(system.whyNoPip()).toBe('python3 is not on PATH');
    expect(system.whyNoApt()).toMatch(/^(not running as root|not Debian or Ubuntu|apt-get is not on PATH)$/);
  });
});
