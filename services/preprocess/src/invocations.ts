/** What the preprocess function receives, adapted to the plain functions (the handler adds only middy). */
import type { S3Event } from '@digits/common';
import { s3EventObjects, settleEach, type ItemFailure } from '@digits/lambda-kit';
import { datasetsOf } from './event-datasets';
import { preprocessDataset, type PreprocessOutcome } from './preprocess-dataset';
import type { Services } from './services';

/** What the invocation returns: the outcome without the (large) manifest or error record bodies. */
export type OutcomeSummary =
  | { status: 'waiting'; dataset: string; missing: string[] }
  | { status: 'exists' | 'written'; dataset: string; version: string; manifestKey: string }
  | { status: 'rejected'; dataset: string; errorKey: string; file: string; code: string };

export function summarize(outcome: PreprocessOutcome): OutcomeSummary {
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

/** S3 ObjectCreated on the raw bucket's datasets/ prefix → one preprocess run per dataset named. */
export async function onRawObjectsCreated(
  event: S3Event,
  services: Services,
): Promise<{ outcomes: OutcomeSummary[]; failed: ItemFailure[] }> {
  const { s3, config, logger, metrics } = services;
  const { objects, unreadable } = s3EventObjects(event, logger);
  const settled = await settleEach(
    datasetsOf(objects, logger),
    ({ bucket, dataset }) => `s3://${bucket}/datasets/${dataset}/`,
    async ({ bucket, dataset }) =>
      summarize(await preprocessDataset({ s3, config, log: logger, metrics }, bucket, dataset)),
    logger,
  );
  return { outcomes: settled.results.map((r) => r.result), failed: [...unreadable, ...settled.failed] };
}
