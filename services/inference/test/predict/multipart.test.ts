import { DigitInputError } from '@digits/normalise';
import { parseMultipart } from '../../src/predict/multipart';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

async function encode(parts: Array<[string, Blob | string, string?]>): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), type: request.headers.get('content-type')! };
}

describe('parseMultipart', () => {
  it('reads the file part named "image" (curl -F image=@digit.png)', async () => {
    const { body, type } = await encode([['image', new Blob([png], { type: 'image/png' }), 'digit.png']]);
    expect(await parseMultipart(body, type)).toEqual([{ kind: 'image', bytes: png }]);
  });

  it('ignores other parts and reads several images in order', async () => {
    const other = Buffer.from('ffd8ff', 'hex');
    const { body, type } = await encode([
      ['note', 'hello'],
      ['image', new Blob([png]), 'a.png'],
      ['attachment', new Blob([Buffer.from('zzz')]), 'z.bin'],
      ['image', new Blob([other]), 'b.jpg'],
    ]);
    expect(await parseMultipart(body, type)).toEqual([
      { kind: 'image', bytes: png },
      { kind: 'image', bytes: other },
    ]);
  });

  it('reads a text field "image" holding a data URL (FormData from a canvas)', async () => {
    const { body, type } = await encode([['image', `data:image/png;base64,${png.toString('base64')}`]]);
    expect(await parseMultipart(body, type)).toEqual([{ kind: 'image', bytes: png }]);
  });

  it('refuses a form without an "image" part, naming the parts it found', async () => {
    const { body, type } = await encode([['file', new Blob([png]), 'digit.png']]);
    await expect(parseMultipart(body, type)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/part named "image" \(found "file"\)/),
    });
  });

  it('refuses a body whose boundary is missing from the Content-Type', async () => {
    const { body } = await encode([['image', new Blob([png]), 'digit.png']]);
    const e = await parseMultipart(body, 'multipart/form-data').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DigitInputError);
    expect(e).toMatchObject({
      code: 'BAD_REQUEST',
      status: 400,
      message: expect.stringMatching(/malformed multipart/),
    });
  });

  it('refuses a truncated body', async () => {
    const { body, type } = await encode([['image', new Blob([png]), 'digit.png']]);
    await expect(parseMultipart(body.subarray(0, body.length - 30), type)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      status: 400,
    });
  });
});
