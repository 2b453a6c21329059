/**
 * The error taxonomy of every function: an error is permanent (retrying the same event cannot
 * help: bad input, a malformed key, an artifact that is not what it claims) or retryable
 * (anything else: throttling, a network fault, an endpoint that is busy, a misconfiguration an
 * operator will fix). An async function (S3, EventBridge) records a permanent error and returns,
 * so Lambda does not retry it; a retryable one is rethrown, so Lambda retries the event.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError;
}

/** An item of a batch (an S3 record, a dataset) that failed for good, as a function reports it. */
export interface ItemFailure {
  item: string;
  errorType: string;
  message: string;
}

export function itemFailure(item: string, error: unknown): ItemFailure {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { item, errorType: name, message };
}

/**
 * Some items of an event failed in a way a retry may fix; thrown after every item was tried so
 * Lambda redelivers the whole event (the work per item is idempotent).
 */
export class RetryableBatchError extends Error {
  override name = 'RetryableBatchError';
  constructor(readonly failures: ItemFailure[]) {
    super(
      `${failures.length} item(s) failed and will be retried: ${failures.map((f) => `${f.item} (${f.message})`).join('; ')}`,
    );
  }
}
