/**
 * The real CLI, as `pnpm test` runs it, on a machine made to lack tools: an empty PATH (so no
 * moto_server, aws, python3 or apt-get) and chromium simulated as uninstallable (it stays installed:
 * other tests use it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const emptyPath = mkdtempSync(join(tmpdir(), 'prepare-test-empty-path-'));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

/** node by absolute path and tsx as a loader: nothing needs PATH to start the CLI. */
function prepareTest(env: Record<string, string>, args: string[] = [], timeout = 20_000) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'prepare-test.ts'), ...args], {
    cwd: ROOT,
    env: { HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout, // "within seconds": a run that needs longer is killed and fails below
  });
}

describe('scripts/prepare-test.ts', () => {
  it('stops in seconds with one message naming each missing tool and its install command', () => {
    const result = prepareTest({ PATH: emptyPath, PREPARE_TEST_SIMULATE_UNINSTALLABLE: 'chromium' });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const asRoot = process.getuid?.() === 0;
    expect(result.stderr).toBe(
      [
        'prepare-test: stopped before running anything: 3 tools the tests need are missing and could not be installed here.',
        'Install, then run the tests again:',
        `  chromium: ${asRoot ? '' : 'sudo '}apt-get install -y chromium`,
        '      needed by the draw-a-digit browser test (playwright-core launches /usr/bin/chromium); not installed automatically: simulated as uninstallable (PREPARE_TEST_SIMULATE_UNINSTALLABLE)',
        "  moto_server: python3 -m pip install 'moto[server]==5.2.1'",
        '      needed by the services/training integration tests; not installed automatically: python3 is not on PATH',
        '  aws: python3 -m pip install awscli==1.45.11',
        '      needed by the AWS CLI tests against the offline cloud; not installed automatically: python3 is not on PATH',
        '',
      ].join('\n'),
    );
  });

  it('says it is ready when every tool is there (pnpm test has just prepared them)', () => {
    const result = prepareTest({ PATH: process.env.PATH ?? '' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('prepare-test: ready (chromium, moto_server, aws)\n');
    expect(result.status).toBe(0);
  });

  it('refuses a simulated tool it does not know, rather than simulating nothing', () => {
    const result = prepareTest({ PATH: emptyPath, PREPARE_TEST_SIMULATE_UNINSTALLABLE: 'chromum' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('prepare-test: PREPARE_TEST_SIMULATE_UNINSTALLABLE names no tool: chromum\n');
  });

  it("reports pip failing to reach its index, with pip's own reason", () => {
    // A fresh venv: python3 with pip and none of the tools; pip pointed at a closed port and kept
    // from this machine's config (its local wheel folders would make the install succeed).
    const venv = join(emptyPath, 'venv');
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
    const result = prepareTest(
      {
        PATH: join(venv, 'bin'),
        PIP_CONFIG_FILE: '/dev/null',
        PIP_INDEX_URL: 'http://127.0.0.1:1/simple',
        PREPARE_TEST_SIMULATE_UNINSTALLABLE: 'chromium',
      },
      [],
      90_000,
    );
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    const pipFailed =
      'not installed automatically: pip install failed: exit 1: ERROR: Could not find a version that satisfies the requirement moto[server]==5.2.1';
    expect(result.stderr).toContain(
      `  moto_server: python3 -m pip install 'moto[server]==5.2.1'\n      needed by the services/training integration tests; ${pipFailed}`,
    );
    expect(result.stderr).toContain(
      `  aws: python3 -m pip install awscli==1.45.11\n      needed by the AWS CLI tests against the offline cloud; ${pipFailed}`,
    );
  }, 180_000);
});
