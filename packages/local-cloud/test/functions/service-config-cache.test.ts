import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configCacheKey } from '../../src/functions/service-config';

describe('printed-config cache key', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cfg-key-'));
    await mkdir(join(dir, 'svc'));
    await writeFile(join(dir, 'shared.yml'), "name: ${env:PREFIX, 'x'}\n");
    await writeFile(
      join(dir, 'svc', 'serverless.yml'),
      'service: s\ncustom:\n  shared: ${file(../shared.yml)}\n  gate: ${env:GATE_MIN_ACCURACY, 0.98}\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const key = (env: Record<string, string>) => configCacheKey(join(dir, 'svc'), 'local', env);

  it('changes with the variables the config names, and only those', () => {
    const base = key({ GATE_MIN_ACCURACY: '0.9' });
    expect(key({ GATE_MIN_ACCURACY: '0.9', UNRELATED: '1' })).toBe(base);
    expect(key({ GATE_MIN_ACCURACY: '0.95' })).not.toBe(base);
    expect(key({ GATE_MIN_ACCURACY: '0.9', PREFIX: 'acme' })).not.toBe(base);
    expect(configCacheKey(join(dir, 'svc'), 'dev', { GATE_MIN_ACCURACY: '0.9' })).not.toBe(base);
  });

  it('changes when an included file changes', async () => {
    const before = key({});
    await writeFile(join(dir, 'shared.yml'), "name: ${env:PREFIX, 'y'}\n");
    expect(key({})).not.toBe(before);
  });
});
