/** S3 ObjectCreated on the raw bucket's datasets/ prefix → preprocess each dataset named in the event. */
import type { S3Event } from 'aws-lambda';
import { createLogger, createS3Client, parseRawKey, s3ObjectsFromEvent } from '@digits/common';
import { loadConfig } from '../config';
import { preprocessDataset, type PreprocessDeps, type PreprocessOutcome } from '../preprocess-dataset';

let deps: PreprocessDeps | undefined;
const getDeps = (): PreprocessDeps =>
  (deps ??= { s3: createS3Client(), config: loadConfig(), log: createLogger('preprocess') });

/** What the invocation returns: the outcome without the (large) manifest or error record bodies. */
export type OutcomeSummary =
  | { status: 'waiting'; dataset: string; missing: string[] }
  | { status: 'exists' | 'written'; dataset: string; version: string; manifestKey: string }
  | { status: 'rejected'; dataset: string; errorKey: string; file: string; code: string };

function summarize(outcome: PreprocessOutcome): OutcomeSummary {
  switch (outcome.status) {
    case 'waiting':
      return outcome;
    case 'exists':
    case 'written':
      return {
        status: outcome.status,
        dataset: outcome.dataset,
        version: outcome.version,
        manifestKey: outcome.manifestKey,
      };
    case 'rejected':
      return {
        status: 'rejected',
        dataset: outcome.dataset,
        errorKey: outcome.errorKey,
        file: outcome.record.file,
        code: outcome.record.code,
      };
  }
}

export async function handler(event: S3Event): Promise<{ outcomes: OutcomeSummary[] }> {
  const { log } = getDeps();
  // One run per (bucket, dataset), however many of its files the event names.
  const targets = new Map<string, { bucket: string; dataset: string }>();
  for (const object of s3ObjectsFromEvent(event)) {
    const parsed = parseRawKey(object.key);
    if (!parsed) {
      log.warn('ignoring an object outside datasets/<dataset>/<file>', { bucket: object.bucket, key: object.key });
      continue;
    }
    targets.set(`${object.bucket}\n${parsed.dataset}`, { bucket: object.bucket, dataset: parsed.dataset });
  }
  const outcomes: OutcomeSummary[] = [];
  for (const { bucket, dataset } of targets.values())
    outcomes.push(summarize(await preprocessDataset(getDeps(), bucket, dataset)));
  return { outcomes };
}
