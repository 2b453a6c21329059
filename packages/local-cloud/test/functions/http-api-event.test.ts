import {
  MalformedResponseError,
  httpResponseFrom,
  isTextContent,
  requestTime,
} from '../../src/functions/http-api-event';

describe('httpResponseFrom (payload 2.0 response mapping)', () => {
  it('sends a bare value as 200 application/json', () => {
    const r = httpResponseFrom({ digit: 7 });
    expect(r).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"digit":7}'),
    });
    expect(httpResponseFrom('hi').body.toString()).toBe('"hi"');
  });

  it('maps a structured response, decoding base64 bodies and turning cookies into set-cookie', () => {
    const r = httpResponseFrom({
      statusCode: 201,
      headers: { 'Content-Type': 'image/png', 'X-N': 3 },
      cookies: ['a=1'],
      body: Buffer.from([1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers).toEqual({ 'content-type': 'image/png', 'x-n': '3', 'set-cookie': ['a=1'] });
    expect([...r.body]).toEqual([1, 2, 255]);
    expect(httpResponseFrom({ statusCode: 204 }).body.length).toBe(0);
  });

  it('treats a malformed structured response as an error (API Gateway answers 500)', () => {
    expect(() => httpResponseFrom({ statusCode: 'ok' })).toThrow(MalformedResponseError);
    expect(() => httpResponseFrom({ statusCode: 200, body: { a: 1 } })).toThrow(/body must be a string/);
    expect(() => httpResponseFrom({ statusCode: 200, headers: { a: { b: 1 } } })).toThrow(/header a/);
  });
});

describe('isTextContent', () => {
  it('passes text and JSON as text; images, forms, unknown and encoded bodies as binary', () => {
    expect(isTextContent('application/json; charset=utf-8', undefined)).toBe(true);
    expect(isTextContent('text/csv', undefined)).toBe(true);
    expect(isTextContent('application/vnd.api+json', undefined)).toBe(true);
    expect(isTextContent('image/png', undefined)).toBe(false);
    expect(isTextContent('application/x-www-form-urlencoded', undefined)).toBe(false);
    expect(isTextContent(undefined, undefined)).toBe(false);
    expect(isTextContent('application/json', 'gzip')).toBe(false);
  });
});

it('formats requestContext.time like API Gateway', () => {
  expect(requestTime(new Date(Date.UTC(2020, 2, 12, 19, 3, 58)))).toBe('12/Mar/2020:19:03:58 +0000');
});
