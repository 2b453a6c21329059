/**
 * What a rejected input leaves behind: one JSON record in the raw bucket under errors/ (outside the
 * datasets/ trigger prefix, so writing it fires nothing), keyed by the exact input objects so a
 * redelivered event rewrites the same record instead of adding another.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { rawErrorKey, type IdxErrorCode, type RawFile } from '@digits/common';

export interface FileProblem {
  /** The file the problem is in (for a count mismatch: the labels file; `files` names both). */
  file: string;
  key: string;
  code: IdxErrorCode;
  reason: string;
  files?: string[];
}

export interface PreprocessErrorRecord extends FileProblem {
  dataset: string;
  time: string;
  /** Every problem found, the first of which is repeated above. */
  problems: FileProblem[];
  /** The raw objects the run looked at. */
  sources: Array<{ key: string; etag: string }>;
}

/** Identifies one exact set of input objects (keys and ETags). */
export function inputId(files: readonly RawFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.key < b.key ? -1 : 1))) h.update(`${f.key}\n${f.etag}\n`);
  return `i-${h.digest('hex').slice(0, 16)}`;
}

export async function writeErrorRecord(
  s3: S3Client,
  bucket: string,
  dataset: string,
  files: readonly RawFile[],
  problems: readonly FileProblem[],
  now: Date,
): Promise<{ key: string; record: PreprocessErrorRecord }> {
  const record: PreprocessErrorRecord = {
    ...problems[0]!,
    dataset,
    time: now.toISOString(),
    problems: [...problems],
    sources: files.map((f) => ({ key: f.key, etag: f.etag })),
  };
  const key = rawErrorKey(dataset, inputId(files));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(record, null, 2),
      ContentType: 'application/json',
    }),
  );
  return { key, record };
}
