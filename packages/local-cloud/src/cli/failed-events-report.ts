import type { FailedEvents, KeptEvent } from '../functions/failed-events';
import type { Progress } from './progress';

/**
 * `pnpm start` never loses an async failure silently: at boot it says how many failed events
 * earlier runs kept (and where), and it reports each new one as it is kept. Returns a function
 * that stops the reporting.
 */
export async function reportFailedEvents(failedEvents: FailedEvents, progress: Progress): Promise<() => void> {
  const { total, byFunction } = await failedEvents.summary();
  if (total > 0) {
    const perFunction = Object.entries(byFunction)
      .map(([fn, n]) => `${fn}: ${n}`)
      .join(', ');
    progress.stage(
      'failed',
      `${total} failed async event${total === 1 ? '' : 's'} kept in ${failedEvents.dir} (${perFunction}); each file holds the event, its errors and attempts`,
    );
  }
  return failedEvents.onKept(({ functionName, path, record, total: now }: KeptEvent) => {
    const { errorType, errorMessage } = record.responsePayload;
    const what =
      record.requestContext.condition === 'Interrupted'
        ? `stopped after ${record.requestContext.approximateInvokeCount} failed attempt(s)`
        : `failed ${record.requestContext.approximateInvokeCount} times`;
    progress.stage(
      'failed',
      `${functionName}: event from ${record.source} ${what} (${errorType}: ${errorMessage}); kept in ${path} — ${now} failed event${now === 1 ? '' : 's'} in ${failedEvents.dir}`,
    );
  });
}
