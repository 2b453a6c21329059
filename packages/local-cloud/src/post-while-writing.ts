import { connect } from 'node:net';

export interface WhileWritingResult {
  /** What the server sent, as latin1 text (status line, headers, body). */
  response: string;
  /** The socket error seen while writing (EPIPE, ECONNRESET), if any. */
  writeError?: string;
  /** Body bytes handed to the socket. */
  wrote: number;
}

/**
 * A POST written the way a client on a network writes a large body: headers, then the body in
 * 64 KB writes with a turn of the event loop between them, reading whatever comes back meanwhile.
 * For tests of servers that answer (413, 415) before reading a body: fetch hides whether the
 * answer or a reset came first. `declared` is the Content-Length sent (default: the body's size).
 */
export async function postWhileWriting(
  url: string,
  options: { contentType: string; bodyBytes: number; declared?: number },
): Promise<WhileWritingResult> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  let response = '';
  let writeError: string | undefined;
  socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
  socket.on('error', (e: NodeJS.ErrnoException) => (writeError ??= e.code ?? e.message));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${options.contentType}\r\n` +
      `Content-Length: ${options.declared ?? options.bodyBytes}\r\n\r\n`,
  );
  const chunk = Buffer.alloc(64 * 1024, 7);
  let wrote = 0;
  while (wrote < options.bodyBytes && !writeError && !socket.destroyed) {
    const n = Math.min(chunk.length, options.bodyBytes - wrote);
    const drained = socket.write(chunk.subarray(0, n));
    wrote += n;
    if (!drained) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!socket.destroyed) socket.end();
  await closed;
  return { response, writeError, wrote };
}
