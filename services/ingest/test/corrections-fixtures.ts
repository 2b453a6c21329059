/** Corrections for tests: real records (common's newCorrection), and an in-memory CorrectionsStore. */
import {
  CORRECTIONS_PREFIX,
  PIXELS,
  REJECTED_CORRECTIONS_PREFIX,
  encodeCorrection,
  isHeldOut,
  learnedCorrectionKey,
  newCorrection,
  pendingCorrectionKey,
  type CorrectionRecord,
} from '@digits/common';
import type { CorrectionsDataset } from '../src/corrections-dataset';
import type { CorrectionsStore } from '../src/corrections-store';

/** Correction `i`: its own pixels, label i % 10. */
export function correction(i: number): CorrectionRecord {
  const pixels = Float32Array.from({ length: PIXELS }, (_, p) => ((p * 13 + i * 7) % 256) / 255);
  return newCorrection(pixels, i % 10, { receivedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)) });
}

/** `train` corrections for training and `test` held-out ones (isHeldOut decides, so they are searched for). */
export function correctionsWith(train: number, test: number, from = 0): CorrectionRecord[] {
  const out: CorrectionRecord[] = [];
  let wantTrain = train;
  let wantTest = test;
  for (let i = from; wantTrain + wantTest > 0; i++) {
    const c = correction(i);
    if (isHeldOut(c.id) && wantTest > 0) {
      out.push(c);
      wantTest--;
    } else if (!isHeldOut(c.id) && wantTrain > 0) {
      out.push(c);
      wantTrain--;
    }
  }
  return out;
}

/** An in-memory inbox bucket and raw bucket behind the CorrectionsStore interface. */
export class MemoryStore implements CorrectionsStore {
  readonly inbox = new Map<string, { text: string; etag: string }>();
  readonly datasets: CorrectionsDataset[] = [];
  private etags = 0;
  /** Fail markLearned this many times (a crash between writing the dataset and moving). */
  failMoves = 0;
  reads = 0;

  put(key: string, text: string): void {
    this.inbox.set(key, { text, etag: `"e${++this.etags}"` });
  }
  addPending(...records: CorrectionRecord[]): void {
    for (const r of records) this.put(pendingCorrectionKey(r.id), encodeCorrection(r));
  }
  addLearned(...records: CorrectionRecord[]): void {
    for (const r of records) this.put(learnedCorrectionKey(r.id), encodeCorrection(r));
  }
  keys(prefix: string): string[] {
    return [...this.inbox.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async list(prefix: string) {
    return this.keys(prefix);
  }
  async read(key: string) {
    this.reads++;
    return this.inbox.get(key);
  }
  async setAside(key: string, etag: string, reason: string) {
    const target = `${REJECTED_CORRECTIONS_PREFIX}${key.slice(CORRECTIONS_PREFIX.length)}`;
    if (this.inbox.get(key)?.etag !== etag) throw new Error('changed');
    this.put(target, this.inbox.get(key)!.text);
    this.put(`${target}.rejected.json`, JSON.stringify({ reason }));
    this.inbox.delete(key);
    return target;
  }
  async writeDataset(dataset: CorrectionsDataset) {
    this.datasets.push(dataset);
    return dataset.files.map((f) => `datasets/corrections/${f.name}`);
  }
  async markLearned(key: string, id: string, etag: string) {
    if (this.failMoves > 0) {
      this.failMoves--;
      throw new Error('crashed before moving');
    }
    const object = this.inbox.get(key);
    if (!object || object.etag !== etag) return 'gone' as const;
    this.put(learnedCorrectionKey(id), object.text);
    this.inbox.delete(key);
    return 'moved' as const;
  }
}
