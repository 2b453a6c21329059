import type { IncomingMessage } from 'node:http';
import { DigitInputError } from '@digits/normalise';

/**
 * Read a request body, refusing (413) as soon as it is known to exceed `limit` — from
 * Content-Length before reading, or while streaming a chunked body (the server then drains the
 * rest: see drainRequest).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = (size: string) =>
      new DigitInputError('TOO_LARGE', `request body of ${size} exceeds the limit of ${limit} bytes`);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(`${declared} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(`more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // A client that goes away mid-body is its own problem, not a server error.
    req.once('error', (e) => reject(new DigitInputError('BAD_REQUEST', `request body not received: ${e.message}`)));
  });
}
