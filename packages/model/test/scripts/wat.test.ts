import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileWat, compileWatVariants, SHARED_MEMORY_IMPORT, wasmModuleSource } from '../../scripts/wat';

const SIMD = join(__dirname, '..', '..', 'src', 'kernels', 'simd');

describe('the committed WebAssembly modules', () => {
  it('are what build:wasm compiles from their .wat sources today', async () => {
    // Prepare
    const sources = (await readdir(SIMD)).filter((f) => f.endsWith('.wat'));
    expect(sources.length).toBeGreaterThan(0);

    for (const file of sources) {
      // Act
      const variants = await compileWatVariants(file, await readFile(join(SIMD, file), 'utf8'));

      // Assess: an edited .wat without `pnpm --filter @digits/model build:wasm` fails here
      const committed = await readFile(join(SIMD, file.replace(/\.wat$/, '.wasm.ts')), 'utf8');
      expect(committed).toBe(wasmModuleSource(file, variants));
    }
  });

  it('refuses a .wat that does not import its memory as the variants expect', async () => {
    await expect(compileWatVariants('own.wat', '(module (memory 1))')).rejects.toThrow(SHARED_MEMORY_IMPORT);
  });

  it('compileWat names the line of a mistake in the source', async () => {
    await expect(compileWat('bad.wat', '(module\n  (func (export "f") (result i32) (i32.addd)))')).rejects.toThrow(
      /bad\.wat:2/,
    );
  });
});
