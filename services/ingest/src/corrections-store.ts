import type { CorrectionsDataset } from './corrections-dataset';

/** A correction object as read: its text and the ETag later steps are conditional on. */
export interface StoredObject {
  text: string;
  etag: string;
}

/** What collecting corrections does to storage (S3 in the Lambda: s3-corrections-store.ts). */
export interface CorrectionsStore {
  /** Keys under `prefix` of the inbox bucket. */
  list(prefix: string): Promise<string[]>;
  /** The object, or undefined once it is gone. */
  read(key: string): Promise<StoredObject | undefined>;
  /** Move a malformed object to corrections/rejected/ with its reason beside it; returns where it went. */
  setAside(key: string, etag: string, reason: string): Promise<string>;
  /** Write the four files of the dataset into the raw bucket (tagged as one set); returns their keys. */
  writeDataset(dataset: CorrectionsDataset): Promise<string[]>;
  /** Copy pending/<id>.json to learned/<id>.json, then delete it; 'gone': it was no longer there (or had changed). */
  markLearned(key: string, id: string, etag: string): Promise<'moved' | 'gone'>;
}
