import type { Logger } from '@digits/common';
import { RetryableBatchError, isPermanent, itemFailure, type ItemFailure } from './errors';

export interface Settled<R> {
  results: Array<{ item: string; result: R }>;
  /** Items that failed for good (logged, reported, not retried). */
  failed: ItemFailure[];
}

/**
 * Run `work` on each item in turn, so one bad item does not hide the others. A PermanentError
 * fails only its item (one error line, reported in `failed`); any other error is remembered and,
 * once every item was tried, thrown as a RetryableBatchError so Lambda retries the event (the
 * work must be idempotent: finished items are redone as no-ops).
 */
export async function settleEach<I, R>(
  items: readonly I[],
  name: (item: I) => string,
  work: (item: I) => Promise<R>,
  logger: Logger,
): Promise<Settled<R>> {
  const settled: Settled<R> = { results: [], failed: [] };
  const retry: ItemFailure[] = [];
  for (const item of items) {
    try {
      settled.results.push({ item: name(item), result: await work(item) });
    } catch (error) {
      const failure = itemFailure(name(item), error);
      if (isPermanent(error)) {
        logger.error('item failed permanently; not retried', {
          item: failure.item,
          errorType: failure.errorType,
          error,
        });
        settled.failed.push(failure);
      } else {
        logger.warn('item failed; the event will be retried', {
          item: failure.item,
          errorType: failure.errorType,
          error,
        });
        retry.push(failure);
      }
    }
  }
  if (retry.length > 0) throw new RetryableBatchError(retry);
  return settled;
}
