import { startHttpApi, type HttpApi } from '../../src/functions/http-api';
import { postWhileWriting } from '../../src/post-while-writing';

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

  const rawPost = (bodyBytes: number, declared = bodyBytes) =>
    postWhileWriting(`${api.url}/predict`, { contentType: 'application/octet-stream', bodyBytes, declared });

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
