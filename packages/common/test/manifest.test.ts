import {
  datasetVersion,
  encodeManifest,
  parseManifest,
  ManifestError,
  CSV_FORMAT,
  type Manifest,
} from '../src/manifest';

const source = (key: string) => ({ bucket: 'raw', key, etag: '"e"', size: 1, sha256: key });
const split = (rows: number[]) => ({
  rows: rows.reduce((a, b) => a + b, 0),
  classCounts: rows,
  shards: [{ key: 'd/v/train/part-00000.csv', rows: rows.reduce((a, b) => a + b, 0), bytes: 10 }],
  sources: { images: source('i'), labels: source('l') },
});
const valid = (): Manifest => ({
  schemaVersion: 1,
  dataset: 'mnist',
  version: 'v-1',
  bucket: 'processed',
  createdAt: '2026-01-01T00:00:00Z',
  format: CSV_FORMAT,
  splits: { train: split([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), test: split([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) },
});

describe('manifest', () => {
  it('accepts a complete manifest, from an object or JSON text', () => {
    expect(parseManifest(valid()).dataset).toBe('mnist');
    expect(parseManifest(JSON.stringify(valid())).splits.train.rows).toBe(55);
    // What preprocess writes, training reads back unchanged.
    expect(parseManifest(encodeManifest(valid()))).toEqual(valid());
  });

  it('names the first bad field', () => {
    const m = valid() as unknown as { splits: { test: { classCounts: number[] } } };
    m.splits.test.classCounts = [1, 2];
    expect(() => parseManifest(m)).toThrow(/splits.test.classCounts/);
    expect(() => parseManifest('{')).toThrow(ManifestError);
    expect(() => parseManifest({ ...valid(), schemaVersion: 2 })).toThrow(/schemaVersion/);
  });

  it('derives the version from the input bytes only', () => {
    const s = (x: string) => ({ images: { sha256: `${x}i` }, labels: { sha256: `${x}l` } });
    const a = datasetVersion({ train: s('a'), test: s('b') });
    expect(datasetVersion({ train: s('a'), test: s('b') })).toBe(a);
    expect(datasetVersion({ train: s('b'), test: s('a') })).not.toBe(a);
    expect(a).toMatch(/^v-[0-9a-f]{16}$/);
  });
});
