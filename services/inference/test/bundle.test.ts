/**
 * The inference Lambda's bundle holds no tfjs: the api handler bundled as `sls package` bundles it
 * (esbuild, everything inlined) lists no input from @tensorflow/* or packages/model.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

const service = join(__dirname, '..');
const repoRoot = join(service, '..', '..');

it('bundles the api handler without @tensorflow/* or packages/model', async () => {
  const { metafile } = await build({
    entryPoints: [join(service, 'src', 'handlers', 'api.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repoRoot,
  });
  // Inputs are paths relative to absWorkingDir, symlinks resolved (pnpm's store is under node_modules/.pnpm).
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.some((p) => p.startsWith('packages/normalise/src/'))).toBe(true);
  expect(inputs.filter((p) => p.includes('@tensorflow/') || p.startsWith('packages/model/'))).toEqual([]);
}, 60_000);
