/**
 * GET /drift: the latest drift report the monitoring service wrote (drift/latest.json in the
 * monitoring bucket), for the page's model panel; `{"report": null}` before the first run.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DRIFT_LATEST_KEY, isNotFound, type DriftReport } from '@digits/common';
import { cached, type Cached } from '../cache';
import { json, type HttpResponse } from '../http/responses';
import type { Services } from '../services';

/** A drift run happens daily (or on demand): a minute of staleness is nothing. */
export const DRIFT_REPORT_TTL_MS = 60_000;

export async function readDriftReport(s3: S3Client, bucket: string): Promise<DriftReport | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: DRIFT_LATEST_KEY }));
    return JSON.parse(await out.Body!.transformToString()) as DriftReport;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export function driftReportCache(s3: S3Client, bucket: string | undefined): Cached<DriftReport | null> {
  return cached(async () => (bucket ? readDriftReport(s3, bucket) : null), DRIFT_REPORT_TTL_MS);
}

export async function latestDrift(services: Services): Promise<HttpResponse> {
  return json(200, { report: await services.driftReport.get() });
}
