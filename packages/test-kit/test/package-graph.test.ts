/**
 * The workspace's packages form no cycle (dependencies and devDependencies alike), and test-kit is
 * only ever a devDependency.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function workspaceManifests(): Manifest[] {
  const dirs = ['packages', 'services'].flatMap((d) => readdirSync(join(ROOT, d)).map((name) => join(ROOT, d, name)));
  return [...dirs, join(ROOT, 'e2e')]
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest);
}

const manifests = workspaceManifests();
const ours = (deps: Record<string, string> = {}) => Object.keys(deps).filter((d) => d.startsWith('@digits/'));

it('has no cycle between workspace packages', () => {
  const edges = new Map(manifests.map((m) => [m.name, [...ours(m.dependencies), ...ours(m.devDependencies)]]));
  const cycles: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (path.includes(name)) return void cycles.push([...path.slice(path.indexOf(name)), name].join(' → '));
    for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
  };
  for (const name of edges.keys()) visit(name, []);
  expect(cycles).toEqual([]);
});

it('lists @digits/test-kit only as a devDependency', () => {
  expect(manifests.filter((m) => ours(m.dependencies).includes('@digits/test-kit')).map((m) => m.name)).toEqual([]);
});
