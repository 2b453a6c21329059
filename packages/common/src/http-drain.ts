import type { IncomingMessage } from 'node:http';

/** How much of an answered request's body a server reads and drops before it closes instead. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Read and drop what is left of a request body the server has answered without reading it (a 413,
 * a 415), so the connection stays open while the client finishes writing. Closing a socket with
 * unread data makes the kernel reset it, and a client still writing then fails (`fetch failed`,
 * EPIPE) without ever reading the answer. Past `maxBytes` more, the socket is closed: a client that
 * reads while it writes still has the answer, others see a reset. Never `Connection: close` on
 * such an answer: Node closes the socket as soon as it is written.
 */
export function drainRequest(req: IncomingMessage, maxBytes = DRAIN_LIMIT_BYTES): void {
  if (req.complete) return;
  req.removeAllListeners('data');
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) req.socket.destroy();
  });
  req.resume();
}
