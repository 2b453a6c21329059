import { createHash } from 'node:crypto';
import { datasetVersion, isHeldOut, parseIdx } from '@digits/common';
import { CORRECTIONS_FILES, buildCorrectionsDataset } from '../src/corrections-dataset';
import { correctionsWith } from './corrections-fixtures';

describe('buildCorrectionsDataset', () => {
  const records = correctionsWith(7, 3);

  it('holds every correction once, sorted by id, held-out ones as the test split', () => {
    const plan = buildCorrectionsDataset([], [...records].reverse().concat(records.slice(0, 2)));
    if (!plan.ready) throw new Error(plan.reason);
    const { files, counts } = plan.dataset;
    expect(counts).toEqual({ train: 7, test: 3 });
    expect(files.map((f) => f.name)).toEqual([
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]);
    for (const split of ['train', 'test'] as const) {
      const expected = records
        .filter((r) => isHeldOut(r.id) === (split === 'test'))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const images = parseIdx(files.find((f) => f.name === CORRECTIONS_FILES[split].images)!.bytes, {
        expect: 'images',
      });
      const labels = parseIdx(files.find((f) => f.name === CORRECTIONS_FILES[split].labels)!.bytes, {
        expect: 'labels',
      });
      expect(Array.from(labels.data)).toEqual(expected.map((r) => r.label));
      expect(Buffer.from(images.data).equals(Buffer.concat(expected.map((r) => Buffer.from(r.input, 'base64'))))).toBe(
        true,
      );
    }
  });

  it('gives the same set the same bytes and the version preprocess computes from them; another set another one', () => {
    const a = buildCorrectionsDataset([], records);
    const b = buildCorrectionsDataset([], [...records].reverse());
    const c = buildCorrectionsDataset([], records.slice(1));
    if (!a.ready || !b.ready || !c.ready) throw new Error('not ready');
    expect(b.dataset.version).toBe(a.dataset.version);
    expect(c.dataset.version).not.toBe(a.dataset.version);
    const sha = (i: number) => ({ sha256: createHash('sha256').update(a.dataset.files[i]!.bytes).digest('hex') });
    expect(a.dataset.version).toBe(
      datasetVersion({ train: { images: sha(0), labels: sha(1) }, test: { images: sha(2), labels: sha(3) } }),
    );
  });

  it('waits, saying why, until each split has a correction', () => {
    expect(buildCorrectionsDataset([], correctionsWith(4, 0))).toEqual({
      ready: false,
      reason: 'no new held-out correction yet (4 for training, 0 new held out; 4 in all): each split needs one',
    });
    expect(buildCorrectionsDataset([], correctionsWith(0, 2))).toMatchObject({
      ready: false,
      reason: /no training correction/,
    });
    expect(buildCorrectionsDataset([], [])).toMatchObject({ ready: false });
  });

  it('trains on every training correction so far but judges only the new held-out ones', () => {
    const old = correctionsWith(5, 2);
    const fresh = correctionsWith(3, 1, 1000);
    const plan = buildCorrectionsDataset(old, fresh);
    if (!plan.ready) throw new Error(plan.reason);
    expect(plan.dataset.counts).toEqual({ train: 8, test: 1 });
    const test = parseIdx(plan.dataset.files.find((f) => f.name === CORRECTIONS_FILES.test.labels)!.bytes, {
      expect: 'labels',
    });
    expect(Array.from(test.data)).toEqual(fresh.filter((r) => isHeldOut(r.id)).map((r) => r.label));
    // Old held-out ones are neither trained on nor judged again; new training ones alone do not make a dataset.
    expect(buildCorrectionsDataset(old, correctionsWith(3, 0, 1000))).toMatchObject({
      ready: false,
      reason: /no new held-out correction/,
    });
  });

  it('treats an id both learned and pending (a run that crashed while moving) as pending: the same dataset again', () => {
    const records = correctionsWith(6, 2);
    const first = buildCorrectionsDataset([], records);
    const halfMoved = buildCorrectionsDataset(records.slice(0, 4), records);
    if (!first.ready || !halfMoved.ready) throw new Error('not ready');
    expect(halfMoved.dataset.version).toBe(first.dataset.version);
  });
});
