/**
 * `tsx scripts/prepare-test.ts [--scope test|ci|bench]`: run first by `pnpm test` (scope test) and
 * `.ci/run` (scope ci). Installs the missing tools it can install without a question, one line
 * each; exits 1 before any test runs, with one message naming each tool it could not install and
 * the command that installs it.
 *
 * PREPARE_TEST_SIMULATE_UNINSTALLABLE=chromium,aws treats those tools as missing and impossible to
 * install here (to see the message without removing anything).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meetsMinimum } from './prerequisites/node-version';
import { prepare, missingMessage } from './prerequisites/prepare';
import { realSystem } from './prerequisites/system';
import { PREREQUISITES, isScope, prerequisitesFor } from './test-prerequisites';

function fail(message: string): never {
  process.stderr.write(`prepare-test: ${message}\n`);
  process.exit(2);
}

const engines = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { engines: { node: string } }
).engines;
if (!meetsMinimum(process.versions.node, engines.node)) {
  process.stderr.write(
    `prepare-test: Node.js ${engines.node} is needed, this is ${process.version}: \`nvm install\` (reads .nvmrc) or https://nodejs.org\n`,
  );
  process.exit(1);
}

const args = process.argv.slice(2);
const scopeAt = args.indexOf('--scope');
const scope = scopeAt === -1 ? 'test' : (args[scopeAt + 1] ?? '');
if (!isScope(scope)) fail(`--scope must be test, ci or bench, not "${scope}"`);

const uninstallable = new Set(
  (process.env.PREPARE_TEST_SIMULATE_UNINSTALLABLE ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
);
const unknown = [...uninstallable].filter((name) => !PREREQUISITES.some((p) => p.name === name));
if (unknown.length) fail(`PREPARE_TEST_SIMULATE_UNINSTALLABLE names no tool: ${unknown.join(', ')}`);

const outcome = prepare(prerequisitesFor(scope), realSystem(), { uninstallable, log: (line) => console.log(line) });
if (outcome.missing.length) {
  process.stderr.write(missingMessage(outcome.missing));
  process.exit(1);
}
console.log(`prepare-test: ready (${[...outcome.present, ...outcome.installed].join(', ')})`);
