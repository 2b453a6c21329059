/** What a collectCorrections invocation was started by, told from the event's shape. */
import { PermanentError } from '@digits/lambda-kit';
import type { CollectTrigger } from './collect-corrections';

export class CollectInputError extends PermanentError {
  override name = 'CollectInputError';
}

export function collectTrigger(event: unknown): CollectTrigger {
  // `sls invoke -f collectCorrections` without --data delivers {} (or nothing).
  if (event === undefined || event === null || event === '') return 'by-hand';
  if (typeof event === 'object' && !Array.isArray(event)) {
    const fields = event as Record<string, unknown>;
    if (Array.isArray(fields.Records)) return 'correction';
    if (fields['detail-type'] === 'Scheduled Event') return 'schedule';
    if (Object.keys(fields).length === 0) return 'by-hand';
  }
  throw new CollectInputError(
    'input must be empty ({}: collect whatever is pending), an S3 event or a scheduled event; nothing was collected',
  );
}
