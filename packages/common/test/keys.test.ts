import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PUBLIC_DATASET,
  identifyIdxFile,
  inboxKey,
  parseInboxKey,
  parseManifestKey,
  parseRawKey,
  rawKey,
  shardKey,
  manifestKey,
  assertDatasetName,
  quarantineKeysFor,
} from '../src/keys';

describe('S3 key layout', () => {
  it('round-trips inbox and raw keys, including dataset names with spaces', () => {
    expect(parseInboxKey(inboxKey('my digits', 'train-images-idx3-ubyte.gz'))).toEqual({
      dataset: 'my digits',
      file: 'train-images-idx3-ubyte.gz',
    });
    expect(parseRawKey(rawKey('mnist', 't10k-labels-idx1-ubyte.gz'))).toEqual({
      dataset: 'mnist',
      file: 't10k-labels-idx1-ubyte.gz',
    });
  });

  it('refuses keys that could escape their prefix', () => {
    expect(parseInboxKey('inbox/../raw/x')).toBeUndefined();
    expect(parseInboxKey('inbox/a/b/c')).toBeUndefined();
    expect(parseInboxKey('inbox/a/')).toBeUndefined();
    expect(() => assertDatasetName('a/b')).toThrow(/invalid dataset name/);
    expect(() => rawKey('..', 'x')).toThrow(/invalid dataset name/);
  });

  it('identifies the split and half of an IDX file from its name', () => {
    expect(identifyIdxFile('train-images-idx3-ubyte.gz')).toEqual({ split: 'train', kind: 'images', gzipped: true });
    expect(identifyIdxFile('t10k-labels-idx1-ubyte')).toEqual({ split: 'test', kind: 'labels', gzipped: false });
    expect(identifyIdxFile('test-images.idx3')).toEqual({ split: 'test', kind: 'images', gzipped: false });
    expect(identifyIdxFile('notes.txt')).toBeUndefined();
  });

  it('lays processed data out as <dataset>/<version>/<split>/part-NNNNN.csv with the manifest beside the splits', () => {
    expect(shardKey('mnist', 'v-1', 'train', 3)).toBe('mnist/v-1/train/part-00003.csv');
    expect(manifestKey('mnist', 'v-1')).toBe('mnist/v-1/manifest.json');
    expect(parseManifestKey('mnist/v-1/manifest.json')).toEqual({ dataset: 'mnist', version: 'v-1' });
    expect(parseManifestKey('mnist/v-1/train/part-00000.csv')).toBeUndefined();
  });
});

describe('quarantine keys', () => {
  it('mirror the inbox path under quarantine/, also for keys that do not parse', () => {
    expect(quarantineKeysFor('inbox/my set/a.gz')).toEqual({
      object: 'quarantine/my set/a.gz',
      reason: 'quarantine/my set/a.gz.rejected.json',
    });
    expect(quarantineKeysFor('inbox/stray.bin')).toEqual({
      object: 'quarantine/stray.bin',
      reason: 'quarantine/stray.bin.rejected.json',
    });
    expect(quarantineKeysFor('inbox/a/b/c.gz').object).toBe('quarantine/a/b/c.gz');
  });
});

describe('the public dataset location', () => {
  /** The `publicDataset:` block of shared.yml (what the deployed import function is configured with). */
  function sharedYmlPublicDataset(): Record<string, string> {
    const yml = readFileSync(join(__dirname, '..', 'serverless', 'shared.yml'), 'utf8');
    const block = /^publicDataset:\n((?:[ \t]+.*\n?)+)/m.exec(yml);
    if (!block) throw new Error('shared.yml has no publicDataset: block');
    return Object.fromEntries([...block[1]!.matchAll(/^\s+(\w+):\s*(\S+)\s*$/gm)].map((m) => [m[1]!, m[2]!]));
  }

  it('is the same in shared.yml (deployed) and keys.ts (local runs and tests)', () => {
    expect(sharedYmlPublicDataset()).toEqual(PUBLIC_DATASET);
  });
});
