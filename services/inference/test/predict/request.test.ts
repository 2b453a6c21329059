import { LAMBDA_PAYLOAD_BYTES, MAX_REQUEST_BODY_BYTES } from '../../src/predict/body';
import { parsePredictRequest } from '../../src/predict/request';
import { httpEvent, postForm, postImage, postJson } from '@digits/test-kit';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('parsePredictRequest', () => {
  it.each([
    'image/png',
    'image/jpeg',
    'image/jpg',
    'application/octet-stream',
    'application/x-image',
    'IMAGE/PNG; charset=binary',
  ])('takes a %s body as the image bytes (base64 from API Gateway)', async (type) => {
    expect(await parsePredictRequest(postImage(png, type))).toEqual({
      inputs: [{ kind: 'image', bytes: png }],
      batch: false,
      debug: false,
    });
  });

  it('reads JSON sent as text (not base64), with +json media types too', async () => {
    const event = httpEvent({
      method: 'POST',
      path: '/predict',
      headers: { 'content-type': 'application/vnd.digits+json' },
      body: '{"pixels": [1]}',
    });
    expect((await parsePredictRequest(event)).inputs).toEqual([{ kind: 'pixels', values: [1] }]);
  });

  it('reads multipart/form-data; one image is a single request, several a batch', async () => {
    const one = await postForm({ image: { bytes: png, filename: 'digit.png', type: 'image/png' } });
    expect(await parsePredictRequest(one)).toMatchObject({ batch: false, inputs: [{ kind: 'image', bytes: png }] });
  });

  it.each([
    [{ debug: '1' }, true],
    [{ debug: 'true' }, true],
    [{ debug: '0' }, false],
    [undefined, false],
  ])('?debug=%j → debug %s', async (query, debug) => {
    expect((await parsePredictRequest(postJson({ pixels: [] }, query))).debug).toBe(debug);
  });

  it.each([
    ['no Content-Type', undefined, 415, 'UNSUPPORTED_MEDIA', /no Content-Type header/],
    ['a GIF', 'image/gif', 415, 'UNSUPPORTED_MEDIA', /image\/gif images are not supported/],
    [
      'a form post (curl --data-binary without -H)',
      'application/x-www-form-urlencoded',
      415,
      'UNSUPPORTED_MEDIA',
      /Content-Type application\/x-www-form-urlencoded is not supported/,
    ],
    ['text', 'text/plain', 415, 'UNSUPPORTED_MEDIA', /send image\/png, image\/jpeg, multipart\/form-data/],
  ])('refuses %s', async (_what, type, status, code, message) => {
    const event = httpEvent({
      method: 'POST',
      path: '/predict',
      headers: type ? { 'content-type': type } : {},
      body: png,
    });
    await expect(parsePredictRequest(event)).rejects.toMatchObject({
      status,
      code,
      message: expect.stringMatching(message),
    });
  });

  it('refuses an empty body', async () => {
    await expect(parsePredictRequest(postImage(Buffer.alloc(0), 'image/png'))).rejects.toMatchObject({
      status: 400,
      code: 'EMPTY',
    });
  });

  it('refuses a body over the limit before decoding it', async () => {
    const event = postImage(Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1), 'image/png');
    await expect(parsePredictRequest(event)).rejects.toMatchObject({
      status: 413,
      code: 'TOO_LARGE',
      message: expect.stringMatching(/the limit is 4194304 bytes \(4 MiB\)/),
    });
  });

  it('keeps the limit deliverable: a binary body at the limit, base64 in its event, fits the Lambda payload', () => {
    const base64 = Math.ceil(MAX_REQUEST_BODY_BYTES / 3) * 4;
    const envelope = 64 * 1024; // headers (HTTP API allows ~10 KB) and request context, generously
    expect(base64 + envelope).toBeLessThanOrEqual(LAMBDA_PAYLOAD_BYTES);
  });

  it('accepts a body exactly at the limit (the image decoder judges its content)', async () => {
    const event = postImage(Buffer.alloc(MAX_REQUEST_BODY_BYTES), 'image/png');
    expect((await parsePredictRequest(event)).inputs[0]).toMatchObject({ kind: 'image' });
  });
});
