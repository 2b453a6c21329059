/** Ingest's metrics, read from what inboxUpload returns: uploads accepted, and quarantined by reason code. */
import type { FunctionMetrics, Settled } from '@digits/lambda-kit';
import type { InboxOutcome } from './process-inbox-upload';

export function recordInboxOutcomes(metrics: FunctionMetrics, settled: Settled<InboxOutcome>): void {
  for (const { result } of settled.results) {
    if (result.status === 'accepted') metrics.count('AcceptedUploads');
    else if (result.status === 'rejected') metrics.count('QuarantinedUploads', 1, { reason: result.code });
  }
}
