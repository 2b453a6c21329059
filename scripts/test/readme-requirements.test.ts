/** The README's "Requirements" section says what the preparation step and package.json do. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meetsMinimum } from '../prerequisites/node-version';
import { PREREQUISITES, installCommand, type Scope } from '../test-prerequisites';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { packageManager: string; engines: { node: string; pnpm: string } };

function requirementsSection(readme: string): string {
  const start = readme.indexOf('\n## Requirements\n');
  if (start === -1) throw new Error('README.md has no "## Requirements" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const section = requirementsSection(read('README.md'));

/** What runs the check for each scope, as the README's "needed by" column names it. */
const NEEDED_BY: Record<Scope, string> = { test: 'pnpm test', ci: '.ci/run', bench: 'pnpm bench:preprocess' };

describe('README "Requirements"', () => {
  it('lists every tool of scripts/test-prerequisites.ts with who needs it and its install command, and nothing else', () => {
    const rows = [...section.matchAll(/^\| (.+?) \| `(.+?)` \| `(.+?)` \|$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(PREREQUISITES.map((p) => [p.name, NEEDED_BY[p.scope], installCommand(p.install, false)]));
  });

  it('names the Node.js minimum of package.json engines and the tested version of .nvmrc', () => {
    const [, minimum, tested] = /Node\.js (\d+\.\d+) or later \(tested on (\d+\.\d+\.\d+)/.exec(section) ?? [];
    expect(`>=${minimum}`).toBe(pkg.engines.node);
    expect(read('.nvmrc').trim()).toBe(tested);
    expect(meetsMinimum(tested ?? '', pkg.engines.node)).toBe(true);
  });

  it('names the pnpm of packageManager, which engines admits', () => {
    const pnpm = /\bpnpm (\d+\.\d+\.\d+)/.exec(section)?.[1];
    expect(pkg.packageManager).toBe(`pnpm@${pnpm}`);
    expect(pkg.engines.pnpm).toBe(`>=${pnpm}`);
  });

  it('names the switch that simulates an uninstallable tool, as the CLI reads it', () => {
    expect(section).toContain('PREPARE_TEST_SIMULATE_UNINSTALLABLE=');
    expect(read('scripts/prepare-test.ts')).toContain('process.env.PREPARE_TEST_SIMULATE_UNINSTALLABLE');
  });
});
