import {
  isHeldOut,
  LEARNED_CORRECTIONS_PREFIX,
  PENDING_CORRECTIONS_PREFIX,
  pendingCorrectionKey,
} from '@digits/common';
import { collectCorrections, type CollectTrigger } from '../src/collect-corrections';
import { MemoryStore, correctionsWith } from './corrections-fixtures';

const run = (store: MemoryStore, trigger: CollectTrigger = 'correction', minCorrections = 5) =>
  collectCorrections(store, { trigger, minCorrections });

describe('collectCorrections', () => {
  it('below the threshold, a new correction changes nothing (and reads nothing)', async () => {
    const store = new MemoryStore();
    store.addPending(...correctionsWith(3, 1));
    expect(await run(store)).toEqual({
      trigger: 'correction',
      pending: 4,
      status: 'below-threshold',
      minCorrections: 5,
    });
    expect(store.datasets).toEqual([]);
    expect(store.reads).toBe(0);
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toHaveLength(4);
  });

  it('at the threshold, writes one dataset (training ones learned + pending, the new held-out ones) and moves the pending ones to learned/', async () => {
    const store = new MemoryStore();
    const before = correctionsWith(2, 1, 0);
    const now = correctionsWith(4, 1, 1000);
    store.addLearned(...before);
    store.addPending(...now);

    const summary = await run(store);

    expect(store.datasets).toHaveLength(1);
    const dataset = store.datasets[0]!;
    expect(summary).toEqual({
      trigger: 'correction',
      pending: 5,
      status: 'collected',
      datasetVersion: dataset.version,
      train: 6,
      test: 1,
      rawKeys: [
        'datasets/corrections/train-images-idx3-ubyte',
        'datasets/corrections/train-labels-idx1-ubyte',
        'datasets/corrections/t10k-images-idx3-ubyte',
        'datasets/corrections/t10k-labels-idx1-ubyte',
      ],
      learned: 5,
      rejected: [],
    });
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toEqual([]);
    expect(store.keys(LEARNED_CORRECTIONS_PREFIX)).toHaveLength(8);
  });

  it('a repeated event after a collection does nothing new', async () => {
    const store = new MemoryStore();
    store.addPending(...correctionsWith(4, 1));
    await run(store);
    expect(await run(store)).toMatchObject({ status: 'below-threshold', pending: 0 });
    expect(await run(store, 'schedule')).toMatchObject({ status: 'nothing-pending', pending: 0 });
    expect(store.datasets).toHaveLength(1);
  });

  it('after a crash between writing the dataset and moving, the re-run writes the same version and moves', async () => {
    const store = new MemoryStore();
    store.addPending(...correctionsWith(4, 1));
    store.failMoves = 1;
    await expect(run(store)).rejects.toThrow('crashed before moving');
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toHaveLength(5);

    const again = await run(store);

    expect(again).toMatchObject({ status: 'collected', learned: 5 });
    expect(store.datasets.map((d) => d.version)).toEqual([store.datasets[0]!.version, store.datasets[0]!.version]);
    expect(Buffer.concat(store.datasets[1]!.files.map((f) => f.bytes))).toEqual(
      Buffer.concat(store.datasets[0]!.files.map((f) => f.bytes)),
    );
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toEqual([]);
  });

  it('moves a malformed correction aside with its reason and collects the others', async () => {
    const store = new MemoryStore();
    const good = correctionsWith(4, 1);
    store.addPending(...good);
    const [other] = correctionsWith(1, 0, 500);
    const wrongLabel = { ...other!, label: (other!.label + 1) % 10 };
    store.put(pendingCorrectionKey(other!.id), JSON.stringify(wrongLabel)); // id no longer matches image + label
    store.put(`${PENDING_CORRECTIONS_PREFIX}not-an-id.json`, '{"schemaVersion": 1}');
    store.put(pendingCorrectionKey('0'.repeat(32)), 'not json');

    const summary = await run(store);

    expect(summary).toMatchObject({ status: 'collected', pending: 8, learned: 5, train: 4, test: 1 });
    if (summary.status !== 'collected') throw new Error(summary.status);
    expect(summary.rejected.map((r) => [r.movedTo, r.reason])).toEqual([
      [`corrections/rejected/pending/${'0'.repeat(32)}.json`, expect.stringContaining('is not valid JSON')],
      [
        `corrections/rejected/pending/${other!.id}.json`,
        expect.stringContaining('id does not match its image and label'),
      ],
      ['corrections/rejected/pending/not-an-id.json', expect.stringContaining('is not corrections/(pending|learned)/')],
    ]);
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toEqual([]);
    expect(store.keys('corrections/rejected/')).toHaveLength(6);
  });

  it('on the schedule or by hand: nothing when none is pending; one pending is enough', async () => {
    const store = new MemoryStore();
    expect(await run(store, 'schedule')).toEqual({
      trigger: 'schedule',
      pending: 0,
      status: 'nothing-pending',
      rejected: [],
    });
    expect(store.reads).toBe(0);
    store.addLearned(...correctionsWith(3, 1));
    expect(await run(store, 'schedule')).toMatchObject({ status: 'nothing-pending' });
    store.addPending(...correctionsWith(1, 0, 900));
    expect(await run(store, 'by-hand')).toMatchObject({ status: 'waiting', reason: /no new held-out/ });
    store.addPending(...correctionsWith(0, 1, 900));
    expect(await run(store, 'by-hand')).toMatchObject({
      status: 'collected',
      pending: 2,
      learned: 2,
      train: 4,
      test: 1,
    });
    expect(store.datasets).toHaveLength(1);
  });

  it('waits, leaving everything pending, while a split would be empty', async () => {
    const store = new MemoryStore();
    store.addPending(...correctionsWith(6, 0));
    expect(await run(store)).toMatchObject({
      status: 'waiting',
      reason: expect.stringContaining('no new held-out correction yet'),
    });
    expect(store.datasets).toEqual([]);
    expect(store.keys(PENDING_CORRECTIONS_PREFIX)).toHaveLength(6);
  });

  it('a correction sent again after it was learned is one correction in the dataset', async () => {
    const store = new MemoryStore();
    const records = correctionsWith(4, 1);
    store.addLearned(...records);
    store.addPending(records.find((r) => isHeldOut(r.id))!);
    expect(await run(store, 'schedule')).toMatchObject({ status: 'collected', train: 4, test: 1, learned: 1 });
  });
});
