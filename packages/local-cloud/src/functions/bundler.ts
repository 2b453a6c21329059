import { existsSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { ServiceDefinition } from './types';

/**
 * Handlers are bundled the way `sls package` bundles them (serverless-esbuild with the service's
 * custom.esbuild: node20, cjs, minified, SDK inlined), once at start, so offline runs the same
 * artefact shape as Lambda: a wrong import, a dependency left out, or code that depends on
 * unminified names fails here too. Source maps are added (they change no behaviour) so stack
 * traces point at the TypeScript.
 */

export class BundleError extends Error {
  override name = 'BundleError';
}

export interface HandlerBundle {
  /** Absolute path of the bundled CommonJS file. */
  file: string;
  /** Export the handler string names (`handler` in `src/handlers/x.handler`). */
  exportName: string;
}

/** esbuild options serverless-esbuild passes through; its own keys (packager, exclude, watch…) are not esbuild's. */
const PASSTHROUGH = [
  'bundle',
  'minify',
  'minifyWhitespace',
  'minifyIdentifiers',
  'minifySyntax',
  'target',
  'platform',
  'format',
  'external',
  'define',
  'keepNames',
  'mainFields',
  'conditions',
  'loader',
  'banner',
  'footer',
  'treeShaking',
  'tsconfig',
  'charset',
  'legalComments',
  'pure',
  'drop',
  'inject',
  'alias',
  'jsx',
  'supported',
  'resolveExtensions',
  'packages',
] as const;

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

export function splitHandler(handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  return { modulePath: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

export function esbuildOptions(custom: Record<string, unknown>): BuildOptions {
  const options: Record<string, unknown> = { bundle: true, platform: 'node', format: 'cjs', target: 'node20' };
  for (const key of PASSTHROUGH) if (custom[key] !== undefined) options[key] = custom[key];
  // serverless-esbuild's `exclude` lists modules left out of the bundle (installed beside it on Lambda).
  const exclude = Array.isArray(custom.exclude) ? custom.exclude.map(String).filter((m) => m !== '*') : [];
  if (exclude.length) options.external = [...((options.external as string[] | undefined) ?? []), ...exclude];
  if (options.format !== 'cjs')
    throw new BundleError(`esbuild format ${String(options.format)} is not supported offline (cjs only)`);
  return options as BuildOptions;
}

/** Bundle every handler of a service into `outDir/<service>/`; returns function name → bundle. */
export async function bundleService(service: ServiceDefinition, outDir: string): Promise<Map<string, HandlerBundle>> {
  const entryPoints: Record<string, string> = {};
  for (const fn of service.functions) {
    const { modulePath } = splitHandler(fn.handler);
    const source = SOURCE_EXTENSIONS.map((ext) => path.join(service.serviceDir, modulePath + ext)).find((f) =>
      existsSync(f),
    );
    if (!source)
      throw new BundleError(
        `${service.service}: handler ${fn.handler} of ${fn.key}: no source file ${modulePath}.ts/.js in ${service.serviceDir}`,
      );
    entryPoints[modulePath] = source;
  }
  const serviceOut = path.join(outDir, service.service);
  if (Object.keys(entryPoints).length > 0) {
    try {
      await build({
        ...esbuildOptions(service.esbuild),
        entryPoints,
        outdir: serviceOut,
        absWorkingDir: service.serviceDir,
        sourcemap: 'linked',
        logLevel: 'silent',
      });
    } catch (error) {
      throw new BundleError(`${service.service}: bundling handlers failed: ${(error as Error).message}`);
    }
  }
  return new Map(
    service.functions.map((fn) => {
      const { modulePath, exportName } = splitHandler(fn.handler);
      return [fn.name, { file: path.join(serviceOut, `${modulePath}.js`), exportName }];
    }),
  );
}

/** The worker-side Lambda runtime, bundled from its TypeScript source beside this file. */
export async function bundleRuntime(outDir: string): Promise<string> {
  const outfile = path.join(outDir, '_runtime', 'lambda-runtime.js');
  await build({
    entryPoints: [path.join(__dirname, 'lambda-runtime.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}
