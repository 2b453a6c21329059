import type { S3Client } from '@aws-sdk/client-s3';
import { ENV, createLogger, createS3Client, requireEnv, s3ObjectsFromEvent, type S3Event } from '@digits/common';
import { processInboxUpload, type InboxOutcome } from '../process-inbox-upload';

const log = createLogger('ingest.inboxUpload');
let s3: S3Client | undefined;

/** S3 ObjectCreated:* on the inbox bucket, prefix inbox/. Failures throw so Lambda retries the event. */
export async function handler(event: S3Event): Promise<InboxOutcome[]> {
  s3 ??= createS3Client();
  const rawBucket = requireEnv(ENV.rawBucket);
  const outcomes: InboxOutcome[] = [];
  for (const { bucket, key } of s3ObjectsFromEvent(event)) {
    const outcome = await processInboxUpload(s3, key, { inboxBucket: bucket, rawBucket, log });
    if (outcome.status !== 'accepted' && outcome.status !== 'rejected')
      log.info(`upload ${outcome.status}`, { ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
}
