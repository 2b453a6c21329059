import { MAX_REQUEST_BODY_BYTES } from '../../src/predict/body';
import { parseFeedbackRequest } from '../../src/feedback/request';
import { httpEvent, postForm, postImage, postJson } from '@digits/test-kit';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const b64 = png.toString('base64');
const feedback = <T extends { rawPath: string; routeKey: string }>(event: T): T => ({
  ...event,
  rawPath: '/feedback',
  routeKey: 'POST /feedback',
});

/** The error a request is refused with: its HTTP status, code and message. */
async function refusal(event: Parameters<typeof parseFeedbackRequest>[0]) {
  try {
    await parseFeedbackRequest(event);
  } catch (e) {
    const { status, code, message } = e as { status: number; code: string; message: string };
    return { status, code, message };
  }
  throw new Error('the request was accepted');
}

describe('parseFeedbackRequest', () => {
  it('takes a raw PNG body with the label (and optional predicted and model) in the query string', async () => {
    const event = feedback(
      postImage(png, 'image/png', { label: '7', predicted: '1', model: 'digits-dev-20260101-000000' }),
    );
    expect(await parseFeedbackRequest(event)).toEqual({
      input: { kind: 'image', bytes: png },
      label: 7,
      predicted: 1,
      model: 'digits-dev-20260101-000000',
    });
  });

  it('takes JSON {"image", "label", "predicted", "model"}: base64 or a data URL', async () => {
    for (const image of [b64, `data:image/png;base64,${b64}`]) {
      expect(await parseFeedbackRequest(feedback(postJson({ image, label: 0, predicted: null })))).toEqual({
        input: { kind: 'image', bytes: png },
        label: 0,
        predicted: null,
        model: null,
      });
    }
  });

  it('takes one image of a multipart form, the label in the query string', async () => {
    const form = await postForm({ image: { bytes: png, filename: 'digit.png', type: 'image/png' } });
    const event = feedback({ ...form, queryStringParameters: { label: '9' }, rawQueryString: 'label=9' });
    expect(await parseFeedbackRequest(event)).toMatchObject({ label: 9, predicted: null, model: null });
  });

  it.each([
    ['missing', {}, /label is missing/],
    ['11', { label: '11' }, /label must be an integer from 0 to 9, got "11"/],
    ['7.5', { label: '7.5' }, /label must be an integer from 0 to 9, got "7.5"/],
    ['negative', { label: '-1' }, /label must be an integer from 0 to 9, got "-1"/],
    ['empty', { label: '' }, /label must be an integer from 0 to 9/],
    ['a word', { label: 'seven' }, /label must be an integer/],
  ])('refuses a query-string label that is %s: 400 naming the field', async (_what, query, message) => {
    expect(await refusal(feedback(postImage(png, 'image/png', query)))).toEqual({
      status: 400,
      code: 'BAD_LABEL',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['missing', {}, /"label" is missing/],
    ['11', { label: 11 }, /"label" must be an integer from 0 to 9, got 11/],
    ['7.5', { label: 7.5 }, /"label" must be an integer from 0 to 9, got 7.5/],
    ["'7.5'", { label: '7.5' }, /"label" must be an integer from 0 to 9, got "7.5"/],
    ['negative', { label: -3 }, /got -3/],
    ['null', { label: null }, /got null/],
  ])('refuses a JSON label that is %s', async (_what, fields, message) => {
    expect(await refusal(feedback(postJson({ image: b64, ...fields })))).toEqual({
      status: 400,
      code: 'BAD_LABEL',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    [{ label: '3', predicted: '10' }, 'BAD_PREDICTED', /predicted must be an integer from 0 to 9/],
    [{ label: '3', predicted: '2.0' }, 'BAD_PREDICTED', /predicted must be an integer from 0 to 9/],
    [{ label: '3', model: '' }, 'BAD_MODEL', /model must be a model version/],
    [{ label: '3', model: 'x'.repeat(200) }, 'BAD_MODEL', /model must be a model version/],
    [{ label: '3', model: '<script>' }, 'BAD_MODEL', /model must be a model version/],
  ])('refuses a bad predicted or model: %j', async (query, code, message) => {
    expect(await refusal(feedback(postImage(png, 'image/png', query)))).toEqual({
      status: 400,
      code,
      message: expect.stringMatching(message),
    });
  });

  it('refuses a JSON model that is not a string', async () => {
    expect(await refusal(feedback(postJson({ image: b64, label: 1, model: 5 })))).toMatchObject({
      status: 400,
      code: 'BAD_MODEL',
    });
  });

  it('refuses two images: one correction is one image', async () => {
    const batch = await refusal(feedback(postJson({ instances: [b64, b64], label: 1 })));
    expect(batch).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/exactly one image/),
    });
    // Two parts named "image", as a browser's FormData sends them.
    const form = new FormData();
    for (const name of ['a.png', 'b.png']) form.append('image', new Blob([png], { type: 'image/png' }), name);
    const encoded = new Response(form);
    const event = httpEvent({
      method: 'POST',
      path: '/feedback',
      headers: { 'content-type': encoded.headers.get('content-type')! },
      body: Buffer.from(await encoded.arrayBuffer()),
      query: { label: '1' },
    });
    expect(await refusal(event)).toMatchObject({ status: 400, message: expect.stringMatching(/exactly one image/) });
  });

  it('refuses a body with no image (and no pixels) naming what to send', async () => {
    expect(await refusal(feedback(postJson({ label: 1 })))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(
      await refusal(
        feedback(
          httpEvent({
            method: 'POST',
            path: '/feedback',
            headers: { 'content-type': 'image/png' },
            query: { label: '1' },
          }),
        ),
      ),
    ).toMatchObject({
      status: 400,
      code: 'EMPTY',
    });
  });

  it('refuses bad base64 as /predict does', async () => {
    expect(await refusal(feedback(postJson({ image: 'not base64!!', label: 1 })))).toMatchObject({
      status: 400,
      code: 'UNDECODABLE',
    });
  });

  it('refuses an oversized body (413) before reading it, and a wrong content type (415)', async () => {
    const big = Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1);
    expect(await refusal(feedback(postImage(big, 'image/png', { label: '1' })))).toMatchObject({
      status: 413,
      code: 'TOO_LARGE',
    });
    expect(await refusal(feedback(postImage(png, 'text/plain', { label: '1' })))).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA',
    });
    expect(await refusal(feedback(postImage(png, 'image/gif', { label: '1' })))).toMatchObject({ status: 415 });
  });

  it('refuses a JSON body that is not an object', async () => {
    expect(await refusal(feedback(postJson('[1]')))).toMatchObject({ status: 400 });
  });
});
