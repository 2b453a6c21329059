import { functionTelemetry, lambdaFunction } from '@digits/lambda-kit';
import type { CollectSummary } from '../collect-corrections';
import { readCollectConfig } from '../config';
import { onCollectCorrections } from '../invocations';
import { oneAtATime } from '../one-at-a-time';
import { createServices } from '../services';

const services = createServices(readCollectConfig());
const { metrics } = functionTelemetry('ingest');
const serially = oneAtATime();

/** S3 ObjectCreated on the inbox bucket (corrections/pending/*.json), the feedback schedule, or by hand. */
export const handler = lambdaFunction<unknown, CollectSummary>(services.logger, 'async').handler((event) =>
  serially(async () => {
    const summary = await onCollectCorrections(event, services);
    if (summary.status === 'collected') metrics.count('CorrectionsLearned', summary.learned);
    if ('rejected' in summary && summary.rejected.length > 0)
      metrics.count('CorrectionsRejected', summary.rejected.length);
    return summary;
  }),
);
