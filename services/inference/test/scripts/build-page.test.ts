import { Script } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { bundlePageScript } from '../../scripts/build-page';
import { APP_JS } from '../../src/page/assets/app-js.generated';

describe('the page script bundle (scripts/build-page.ts)', () => {
  it('is committed as built from src/page/browser (else: pnpm --filter @digits/inference build:page)', async () => {
    const built = await bundlePageScript();

    expect(APP_JS).toBe(built);
  });

  it('is one small classic script: no imports or exports left, no Node built-ins', () => {
    expect(() => new Script(APP_JS, { filename: 'app.js' })).not.toThrow();
    expect(APP_JS).not.toMatch(/\brequire\(|\bimport\(|\bprocess\.|\bBuffer\b/);
    // The string-in-a-file page script was 14,969 bytes (4,616 gzipped); the bundle is minified.
    // Correction buttons and the learning panel (issue 12) took it from 15,082 to ~20,200 bytes (7,459 gzipped).
    // The "Trained with" fact (training-view.ts, issue 11) took it to 22,055 bytes (8,199 gzipped).
    expect(Buffer.byteLength(APP_JS)).toBeLessThan(23_000);
    expect(gzipSync(APP_JS).length).toBeLessThan(8_500);
  });
});
