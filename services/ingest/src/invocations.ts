/** What each ingest function receives, adapted to the plain functions (the handlers add only middy). */
import { forEachS3Object, type Settled } from '@digits/lambda-kit';
import type { S3Event } from '@digits/common';
import { collectCorrections, type CollectSummary } from './collect-corrections';
import { collectTrigger } from './collect-trigger';
import type { CollectConfig, ImportConfig, InboxConfig } from './config';
import { parseImportRequest } from './import-input';
import { importPublicDataset, type ImportSummary } from './import-public-dataset';
import { processInboxUpload, type InboxOutcome } from './process-inbox-upload';
import { s3CorrectionsStore } from './s3-corrections-store';
import type { Services } from './services';

/** `sls invoke -f importPublicDataset [--data '{"bucket": "...", "prefix": "...", "replaceReference": "<why>"}']` */
export async function onImportPublicDataset(event: unknown, services: Services<ImportConfig>): Promise<ImportSummary> {
  const { config, s3, logger } = services;
  const { source, replaceReference } = parseImportRequest(event, config.publicDataset);
  const summary = await importPublicDataset(s3, {
    source,
    rawBucket: config.rawBucket,
    processedBucket: config.processedBucket,
    replaceReference,
    log: logger,
  });
  logger.info('public dataset imported', { ...summary });
  return summary;
}

/** S3 ObjectCreated on the inbox bucket: each upload checked, then copied to raw or quarantined. */
export async function onInboxUpload(event: S3Event, services: Services<InboxConfig>): Promise<Settled<InboxOutcome>> {
  const { config, s3, logger } = services;
  return forEachS3Object(
    event,
    async ({ bucket, key }) => {
      const outcome = await processInboxUpload(s3, key, {
        inboxBucket: bucket,
        rawBucket: config.rawBucket,
        log: logger,
      });
      if (outcome.status !== 'accepted' && outcome.status !== 'rejected')
        logger.info(`upload ${outcome.status}`, { ...outcome });
      return outcome;
    },
    logger,
  );
}

/** A new pending correction (S3), the schedule, or `sls invoke -f collectCorrections` (by hand). */
export async function onCollectCorrections(event: unknown, services: Services<CollectConfig>): Promise<CollectSummary> {
  const { config, s3, logger } = services;
  const store = s3CorrectionsStore(s3, { inboxBucket: config.inboxBucket, rawBucket: config.rawBucket });
  return collectCorrections(store, {
    trigger: collectTrigger(event),
    minCorrections: config.minCorrections,
    log: logger,
  });
}
