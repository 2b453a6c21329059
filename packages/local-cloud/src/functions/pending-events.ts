import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonWholeSync } from '../whole-file';

/**
 * Lambda's queue of accepted async events, on disk: once S3 or EventBridge has handed an event
 * over, it is delivered even if the host dies, as on AWS. Each event is written (atomically,
 * before the first attempt) as `<dir>/<id>.json` and removed once it succeeded or went to the
 * failed events; what a crash or a stop left here is delivered again at the next start.
 * Synchronous on purpose: the record must be on disk before the function can act on the event.
 */

export interface PendingEvent {
  id: string;
  functionName: string;
  event: unknown;
  source: string;
}

export class PendingEvents {
  constructor(readonly dir: string) {}

  add(entry: Omit<PendingEvent, 'id'>): string {
    mkdirSync(this.dir, { recursive: true });
    // Time first, so a listing redelivers in the order the events were accepted.
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    writeJsonWholeSync(join(this.dir, `${id}.json`), { id, ...entry });
    return id;
  }

  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /** Every event still pending, oldest first; a half-written temporary file (the crash came first) was never accepted. */
  list(): PendingEvent[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as PendingEvent);
  }
}
