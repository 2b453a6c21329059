/**
 * zlib data inflated into a buffer reused from one image to the next, by one zlib context kept
 * open. `zlib.inflateSync` builds a new context (a 32 KiB window) and a new output buffer per call:
 * fresh memory, which on a Firecracker VM (here and on Lambda) faults page by page to the host —
 * for the page's 280×280 canvas (313 KB of RGBA) 0.2–0.8 ms against ~0.05 ms reused. Node has no
 * public call that inflates into a caller's buffer, so this drives the zlib handle the way Node's
 * own `zlib.inflateSync` does (`_handle.writeSync`, results in `_writeState`, errors destroying the
 * stream), and falls back to `inflateSync` should a Node version lack that handle.
 */
import { constants, Inflate, inflateSync } from 'node:zlib';

/** What a zlib stream's data turned out to be, measured against the size the caller expects. */
export type Inflated =
  | { ok: true; data: Uint8Array }
  | { ok: false; reason: 'too-long' }
  | { ok: false; reason: 'too-short'; length: number }
  | { ok: false; reason: 'invalid'; message: string };

/** Node's zlib handle, as lib/zlib.js drives it in its synchronous calls. */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}
interface InflateInternals {
  _handle?: ZlibHandle | null;
  _writeState?: Uint32Array;
}

/** Output buffers up to this size are kept for the next image; a larger image gets its own. */
const MAX_REUSED_BYTES = 4 << 20;

let inflater: (Inflate & InflateInternals) | null = null;
let reused = new Uint8Array(0);

/** Whether this Node offers the handle the reusing path needs (a test pins that it does). */
export function reusesZlibContext(): boolean {
  return usableInflater() !== null;
}

/** Inflates `data`, which must hold exactly `expected` bytes; the result is valid until the next call. */
export function inflateExactly(data: Uint8Array, expected: number): Inflated {
  const stream = usableInflater();
  return stream ? inflateReusing(stream, data, expected) : inflateFresh(data, expected);
}

function usableInflater(): (Inflate & InflateInternals) | null {
  if (inflater === null) {
    const stream = new Inflate() as Inflate & InflateInternals;
    if (typeof stream._handle?.writeSync !== 'function' || !ArrayBuffer.isView(stream._writeState)) return null;
    // Node reports a data error by destroying the stream (and emitting it later): seen through
    // `errored` below; the emitted copy needs a listener so it does not crash the process.
    stream.on('error', () => {});
    inflater = stream;
  }
  return inflater;
}

function inflateReusing(stream: Inflate & InflateInternals, data: Uint8Array, expected: number): Inflated {
  // One byte more than expected: a stream that fills it holds more than the image.
  const capacity = expected + 1;
  const out = capacity <= MAX_REUSED_BYTES ? reusedBuffer(capacity) : new Uint8Array(capacity);
  stream._handle!.reset();
  stream._handle!.writeSync(constants.Z_FINISH, data, 0, data.length, out, 0, capacity);
  if (stream.errored) {
    inflater = null; // Node does not recover a context after an error (it closes it)
    return { ok: false, reason: 'invalid', message: stream.errored.message };
  }
  const produced = capacity - stream._writeState![0]!;
  if (produced > expected) return { ok: false, reason: 'too-long' };
  if (produced < expected) return { ok: false, reason: 'too-short', length: produced };
  return { ok: true, data: out.subarray(0, expected) };
}

function reusedBuffer(capacity: number): Uint8Array {
  if (reused.length < capacity)
    reused = new Uint8Array(Math.max(capacity, Math.min(MAX_REUSED_BYTES, reused.length * 2)));
  return reused;
}

function inflateFresh(data: Uint8Array, expected: number): Inflated {
  let raw: Buffer;
  try {
    // One output buffer one byte larger than expected: no 16 KiB chunks to join, and not filled,
    // so zlib does not allocate a second one to look for more.
    raw = inflateSync(data, { maxOutputLength: expected, chunkSize: Math.max(expected + 1, 64) });
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return { ok: false, reason: 'too-long' };
    return { ok: false, reason: 'invalid', message: error.message };
  }
  if (raw.length < expected) return { ok: false, reason: 'too-short', length: raw.length };
  // A plain Uint8Array view: V8 optimises the unfilter loops better than over a Buffer.
  return { ok: true, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) };
}
