/**
 * pnpm --filter @digits/model build:wasm — compile the project's hand-written WebAssembly
 * (src/kernels/simd/*.wat) into TypeScript modules holding the bytes of both variants, for a
 * shared and an unshared memory (`<name>.wasm.ts`), so the trainer and its esbuild bundle load
 * them without reading files or a compiler at run time. test/scripts/wat.test.ts checks that
 * every committed module matches its source.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileWatVariants, wasmModuleSource } from './wat';

const DIR = join(__dirname, '..', 'src', 'kernels', 'simd');

async function main(): Promise<void> {
  for (const file of (await readdir(DIR)).filter((f) => f.endsWith('.wat')).sort()) {
    const variants = await compileWatVariants(file, await readFile(join(DIR, file), 'utf8'));
    const out = file.replace(/\.wat$/, '.wasm.ts');
    await writeFile(join(DIR, out), wasmModuleSource(file, variants));
    console.log(`${file} → ${out} (${variants.sharedMemory.length} bytes)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
