/**
 * The reference set contract: content-named versions, shards as the pipeline's CSV, and readers
 * that refuse what the writer would never write.
 */
import { PIXELS } from '../src/manifest';
import { parseModelMetadata } from '../src/model-report';
import {
  REFERENCE_SHARD_ROWS,
  ReferenceSetError,
  encodeReferenceSet,
  parseReferenceManifest,
  parseReferencePointer,
  parseReferenceScores,
  referenceManifestKey,
  referenceShardKey,
  referenceVersionPrefix,
} from '../src/reference-set';

const images = (rows: number, seed = 0) => Uint8Array.from({ length: rows * PIXELS }, (_, i) => (i * 31 + seed) & 0xff);
const labels = (rows: number) => Uint8Array.from({ length: rows }, (_, i) => i % 10);

describe('encodeReferenceSet', () => {
  it('names the set by its content: the same images, the same version; one pixel changed, another', () => {
    const rows = REFERENCE_SHARD_ROWS + 3;
    const a = encodeReferenceSet({ images: images(rows), labels: labels(rows) }, rows);
    const b = encodeReferenceSet({ images: images(rows), labels: labels(rows) }, rows);
    const c = encodeReferenceSet({ images: images(rows, 1), labels: labels(rows) }, rows);

    expect(a.version).toMatch(/^r-[0-9a-f]{16}$/);
    expect(b.version).toBe(a.version);
    expect(c.version).not.toBe(a.version);
    expect(a.shards.map((s) => s.rows)).toEqual([REFERENCE_SHARD_ROWS, 3]);
    expect(a.classCounts.reduce((x, y) => x + y, 0)).toBe(rows);
    expect(a.shards[1]!.csv.toString().split('\n')[0]!.split(',')).toHaveLength(1 + PIXELS);
  });

  it('refuses an empty set', () => {
    expect(() => encodeReferenceSet({ images: new Uint8Array(0), labels: new Uint8Array(0) }, 0)).toThrow(
      ReferenceSetError,
    );
  });
});

describe('keys', () => {
  it('live under _reference/<version>/, which no dataset name can start', () => {
    const v = 'r-0123456789abcdef';
    expect(referenceVersionPrefix(v)).toBe(`_reference/${v}/`);
    expect(referenceShardKey(v, 1)).toBe(`_reference/${v}/data/part-00001.csv`);
    expect(referenceManifestKey(v)).toBe(`_reference/${v}/reference.json`);
    expect(() => referenceManifestKey('../x')).toThrow(/is not a reference set version/);
  });
});

describe('readers', () => {
  const manifest = {
    schemaVersion: 1,
    kind: 'reference-set',
    version: 'r-0123456789abcdef',
    name: 'x',
    rows: 10,
    classCounts: Array(10).fill(1),
    shards: [{ key: 'k', rows: 10, bytes: 1 }],
    format: {},
    source: { images: 'a', labels: 'b' },
    createdAt: '2026-01-01T00:00:00Z',
  };

  it('read back what the writer writes and name the first thing wrong otherwise', () => {
    expect(parseReferenceManifest(JSON.stringify(manifest)).rows).toBe(10);
    expect(() => parseReferenceManifest(JSON.stringify({ ...manifest, rows: 11 }))).toThrow(/classCounts do not sum/);
    expect(() => parseReferenceManifest('{')).toThrow(/not valid JSON/);
    expect(parseReferencePointer('{"version":"r-0123456789abcdef","setAt":"t","reason":"r"}').version).toBe(
      manifest.version,
    );
    expect(() => parseReferencePointer('{"version":"v-1","setAt":"t","reason":"r"}')).toThrow(
      /not a reference pointer/,
    );
  });

  it('check a model report’s reference scores field by field', () => {
    const scores = {
      version: manifest.version,
      rows: 10,
      accuracy: 1,
      perClassAccuracy: Array(10).fill(1),
      confusionMatrix: Array.from({ length: 10 }, (_, d) => Array.from({ length: 10 }, (_, p) => (p === d ? 1 : 0))),
    };
    expect(parseReferenceScores(scores, 'm')).toEqual(scores);
    expect(() => parseReferenceScores({ ...scores, perClassAccuracy: [1] }, 'm')).toThrow(
      'm: reference.perClassAccuracy must be 10 numbers in 0..1',
    );
    const metadata = {
      hyperparameters: {},
      trainRows: 1,
      testRows: 1,
      testAccuracy: 1,
      perClassAccuracy: Array(10).fill(1),
      confusionMatrix: scores.confusionMatrix,
      input: { shape: [28, 28, 1] },
    };
    expect(() =>
      parseModelMetadata(JSON.stringify({ ...metadata, reference: { ...scores, version: 'x' } }), 'meta'),
    ).toThrow('meta: reference.version must be r-<16 hex digits>');
  });
});
