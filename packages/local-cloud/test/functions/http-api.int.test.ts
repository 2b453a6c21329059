import { connect, type Socket } from 'node:net';
import { startHttpApi, type HttpApi } from '../../src/functions/http-api';

const MiB = 1024 * 1024;

/**
 * A body over the API's limit must get its 413 to a client that is still writing it. bench:fuzz
 * found 5 of 10,000 requests (multipart bodies of 14–26 MB against the 10 MB limit) ending in
 * `fetch failed (EPIPE)` with no status: the 413 was sent at once and the socket closed on the
 * unread body, so the kernel reset it under the client's writes.
 */
describe('HTTP API stand-in: bodies over the limit', () => {
  let api: HttpApi;
  let invoked = 0;
  beforeAll(async () => {
    api = await startHttpApi({
      routes: [
        {
          routeKey: 'POST /predict',
          target: {
            functionName: 'predict',
            apiId: 'test',
            invoke: async () => {
              invoked++;
              return { statusCode: 200, body: '{"ok":true}' };
            },
          },
        },
      ],
      log: () => undefined,
      bodyLimit: 1 * MiB,
      drainLimit: 8 * MiB,
    });
  });
  afterAll(() => api.close());

  /** Sends the headers, then `bodyBytes` in 64 KB writes as fast as the socket takes them; what came back. */
  async function rawPost(
    bodyBytes: number,
    declared = bodyBytes,
  ): Promise<{ response: string; writeError?: string; wrote: number }> {
    const socket: Socket = connect(api.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    let writeError: string | undefined;
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (writeError ??= e.code ?? e.message));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${declared}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 7);
    let wrote = 0;
    while (wrote < bodyBytes && !writeError && !socket.destroyed) {
      const n = Math.min(chunk.length, bodyBytes - wrote);
      const drained = socket.write(chunk.subarray(0, n));
      wrote += n;
      if (!drained) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
      // Give the server a turn between writes, as a client on a real network would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!socket.destroyed) socket.end();
    await closed;
    return { response, writeError, wrote };
  }

  it('answers 413 and reads the rest of the body, so a client still writing it never sees a reset', async () => {
    const { response, writeError, wrote } = await rawPost(6 * MiB);
    expect(writeError).toBeUndefined();
    expect(wrote).toBe(6 * MiB);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/Request Entity Too Large/);
    expect(invoked).toBe(0);
  });

  it('fetch gets the 413 for bodies over the limit, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${api.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: new Uint8Array(5 * MiB + i * 100_000),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
    }
    const ok = await fetch(`${api.url}/predict`, { method: 'POST', body: 'small' });
    expect(ok.status).toBe(200);
  });

  it('answers 413 before the body is read; past the drain limit it closes, and a client reading while it writes has the 413', async () => {
    const before = invoked;
    const { response } = await rawPost(12 * MiB, 1024 * MiB);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(invoked).toBe(before);
  });
});
