/**
 * What the tests need from the machine beyond `pnpm install`: each tool, found the way its users
 * find it, and how it is installed. `scripts/prepare-test.ts` checks (and where it can, installs)
 * these before `pnpm test` runs anything; the README's "Requirements" section is tested against
 * this list.
 */

/**
 * Who needs a tool: `test` is `pnpm test`; `ci` adds what `.ci/run` itself runs; `bench` is what
 * a benchmark needs and no test does.
 */
export type Scope = 'test' | 'ci' | 'bench';

/** How a tool is found: the same way the code that uses it finds it. */
export type Probe =
  { kind: 'file'; path: string } | { kind: 'command'; name: string } | { kind: 'python-module'; module: string };

/** How a tool is installed without a question asked. */
export type Installer = { via: 'apt'; package: string } | { via: 'pip'; requirement: string };

export interface Prerequisite {
  name: string;
  scope: Scope;
  usedBy: string;
  probe: Probe;
  install: Installer;
}

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    name: 'chromium',
    scope: 'test',
    usedBy: 'the draw-a-digit browser test (playwright-core launches /usr/bin/chromium)',
    probe: { kind: 'file', path: '/usr/bin/chromium' },
    install: { via: 'apt', package: 'chromium' },
  },
  {
    name: 'moto_server',
    scope: 'test',
    usedBy: 'the services/training integration tests',
    probe: { kind: 'command', name: 'moto_server' },
    // The version the tests' notes on moto's behaviour were written against.
    install: { via: 'pip', requirement: 'moto[server]==5.2.1' },
  },
  {
    name: 'aws',
    scope: 'test',
    usedBy: 'the AWS CLI tests against the offline cloud',
    probe: { kind: 'command', name: 'aws' },
    install: { via: 'pip', requirement: 'awscli==1.45.11' },
  },
  {
    name: 'cfn-lint',
    scope: 'ci',
    usedBy: ".ci/run's lint of each service's CloudFormation",
    probe: { kind: 'command', name: 'cfn-lint' },
    install: { via: 'pip', requirement: 'cfn-lint==1.51.0' },
  },
  {
    name: 'numpy',
    scope: 'bench',
    usedBy: "pnpm bench:preprocess's numpy.savetxt reference",
    probe: { kind: 'python-module', module: 'numpy' },
    install: { via: 'pip', requirement: 'numpy==2.4.6' },
  },
];

/** `test` is needed everywhere; `ci` also needs `test`; `bench` stands alone. */
const SCOPES: Record<Scope, readonly Scope[]> = { test: ['test'], ci: ['test', 'ci'], bench: ['bench'] };

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

export function prerequisitesFor(scope: Scope, list: readonly Prerequisite[] = PREREQUISITES): Prerequisite[] {
  return list.filter((p) => SCOPES[scope].includes(p.scope));
}

/** Shell-quoted when it holds characters a shell would expand (`moto[server]`). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact command a person runs to install it. */
export function installCommand(install: Installer, asRoot: boolean): string {
  return install.via === 'apt'
    ? `${asRoot ? '' : 'sudo '}apt-get install -y ${shellWord(install.package)}`
    : `python3 -m pip install ${shellWord(install.requirement)}`;
}
