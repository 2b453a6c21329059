import {
  identifyIdxFile,
  inboxKey,
  parseInboxKey,
  parseManifestKey,
  parseRawKey,
  rawKey,
  shardKey,
  manifestKey,
  assertDatasetName,
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
