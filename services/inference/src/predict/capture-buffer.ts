/**
 * Sampled capture records held in the function instance until they are written as one object:
 * when `maxRecords` are held, or (on the next request) once the oldest is older than `maxAgeMs`.
 * At the defaults (25 records, 60 s, rate 0.05) that is one PUT per ~500 requests instead of one
 * per 20. Records still held when Lambda reclaims the instance are lost: captures are a sample for
 * drift monitoring, not an audit log.
 *
 * Handing a batch over empties the buffer before anything is written, so a record is in one write
 * at most, even with requests in flight together (the offline runner serves several at once).
 */
import type { CaptureRecord } from '@digits/common';

export interface CaptureBatching {
  maxRecords: number;
  maxAgeMs: number;
}

export class CaptureBuffer {
  private records: CaptureRecord[] = [];
  private oldestAt = 0;

  constructor(private readonly batching: CaptureBatching) {}

  get size(): number {
    return this.records.length;
  }

  /** Holds the record (captured at `at`, ms); the whole batch, emptying the buffer, when it is full. */
  add(record: CaptureRecord, at: number): CaptureRecord[] | undefined {
    if (this.records.length === 0) this.oldestAt = at;
    this.records.push(record);
    return this.records.length >= this.batching.maxRecords ? this.take() : undefined;
  }

  /**
   * What is held, emptying the buffer, when the oldest record is older than the flush age at `now`.
   * Asked before each request adds its record, so an object's records span at most the flush age.
   */
  takeStale(now: number): CaptureRecord[] | undefined {
    return this.records.length > 0 && now - this.oldestAt > this.batching.maxAgeMs ? this.take() : undefined;
  }

  private take(): CaptureRecord[] {
    const batch = this.records;
    this.records = [];
    return batch;
  }
}
