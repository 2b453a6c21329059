import { functionTelemetry, lambdaFunction } from '@digits/lambda-kit';
import type { CollectSummary } from '../collect-corrections';
import { readCollectConfig } from '../config';
import { onCollectCorrections } from '../invocations';
import { collectTrigger } from '../collect-trigger';
import { oneAtATimeSharingWaits } from '../one-at-a-time';
import { createServices } from '../services';

const services = createServices(readCollectConfig());
const { metrics } = functionTelemetry('ingest');
const serially = oneAtATimeSharingWaits();

/**
 * Wake-ups by new corrections share a run that has not started yet (it lists the inbox after their
 * objects were written): a burst of 500 corrections lists it a few times, not 500. Other triggers
 * and malformed events run on their own.
 */
function sharingKey(event: unknown): string | undefined {
  try {
    return collectTrigger(event) === 'correction' ? 'correction' : undefined;
  } catch {
    return undefined;
  }
}

/** S3 ObjectCreated on the inbox bucket (corrections/pending/*.json), the feedback schedule, or by hand. */
export const handler = lambdaFunction<unknown, CollectSummary>(services.logger, 'async').handler((event) =>
  serially(sharingKey(event), async () => {
    const summary = await onCollectCorrections(event, services);
    if (summary.status === 'collected') metrics.count('CorrectionsLearned', summary.learned);
    if ('rejected' in summary && summary.rejected.length > 0)
      metrics.count('CorrectionsRejected', summary.rejected.length);
    return summary;
  }),
);
