/**
 * middy 6 ships ES modules only, and jest (Node 20, CommonJS) cannot require them unless the root
 * jest config lets the transform see node_modules/@middy. Until it does, tests load each middy
 * package through this: bundled to CommonJS with esbuild (as the Lambda bundle does) and
 * evaluated in a module wrapper. Use as
 *   jest.mock('@middy/core', () => require('../esm-as-cjs').requireEsm('@middy/core'));
 */
import { buildSync } from 'esbuild';

const loaded = new Map<string, unknown>();

export function requireEsm(specifier: string): unknown {
  const hit = loaded.get(specifier);
  if (hit) return hit;
  const entry = require.resolve(specifier, { paths: [__dirname] });
  const out = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating our own esbuild output
  new Function('module', 'exports', 'require', out.outputFiles[0]!.text)(module, module.exports, require);
  loaded.set(specifier, module.exports);
  return module.exports;
}
