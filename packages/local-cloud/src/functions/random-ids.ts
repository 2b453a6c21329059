import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for request and trace ids, as text, drawn from a pool refilled 4 KiB at a time (the
 * way crypto.randomUUID caches its entropy): one `randomBytes` call per id is a trip to the kernel's
 * RNG on every request the HTTP API serves.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

export function randomText(bytes: number, encoding: 'base64' | 'hex'): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const text = pool.toString(encoding, used, used + bytes);
  used += bytes;
  return text;
}
