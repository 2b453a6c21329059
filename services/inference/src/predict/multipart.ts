import busboy from 'busboy';
import { MAX_BATCH } from '@digits/common';
import { DigitInputError } from '@digits/normalise';
import { MAX_REQUEST_BODY_BYTES } from './body';
import { decodeImageString } from './image-string';
import type { DigitInput } from './input';

/** The form field that carries the image, as `curl -F image=@digit.png` sends it. */
export const IMAGE_FIELD = 'image';

/**
 * The images of a multipart/form-data body: every part named "image", either a file (its bytes)
 * or a text field holding a data URL / base64. Parsed with busboy from the buffered body.
 */
export function parseMultipart(body: Buffer, contentType: string): Promise<DigitInput[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: {
          files: MAX_BATCH,
          fileSize: MAX_REQUEST_BODY_BYTES,
          fields: MAX_BATCH,
          parts: 2 * MAX_BATCH,
          fieldSize: MAX_REQUEST_BODY_BYTES,
        },
      });
    } catch (e) {
      // e.g. "Multipart: Boundary not found"
      reject(new DigitInputError('BAD_REQUEST', `malformed multipart/form-data: ${(e as Error).message}`));
      return;
    }
    const slots: Array<Promise<DigitInput>> = [];
    const seen: string[] = [];
    let failure: DigitInputError | undefined;
    const fail = (e: DigitInputError) => {
      failure ??= e;
    };

    parser.on('file', (name, stream, info) => {
      seen.push(name);
      if (name !== IMAGE_FIELD) {
        stream.resume();
        return;
      }
      slots.push(
        new Promise((done) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          // A body cut short destroys the open part with busboy's error; the parser reports it too.
          stream.on('error', () => undefined);
          stream.on('limit', () =>
            fail(
              new DigitInputError(
                'TOO_LARGE',
                `file "${info.filename ?? name}" exceeds ${MAX_REQUEST_BODY_BYTES} bytes`,
              ),
            ),
          );
          stream.on('close', () => done({ kind: 'image', bytes: Buffer.concat(chunks) }));
        }),
      );
    });
    parser.on('field', (name, value) => {
      seen.push(name);
      if (name === IMAGE_FIELD) {
        try {
          slots.push(Promise.resolve({ kind: 'image', bytes: decodeImageString(value, `form field "${name}"`) }));
        } catch (e) {
          fail(e as DigitInputError);
        }
      }
    });
    const tooMany = () =>
      fail(new DigitInputError('TOO_LARGE', `too many parts: at most ${MAX_BATCH} images a request`));
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('error', (e: unknown) => {
      reject(new DigitInputError('BAD_REQUEST', `malformed multipart/form-data: ${(e as Error).message}`));
    });
    parser.on('close', () => {
      Promise.all(slots).then((inputs) => {
        if (failure) return reject(failure);
        if (inputs.length === 0) {
          const found = seen.length
            ? `found ${[...new Set(seen)].map((n) => `"${n}"`).join(', ')}`
            : 'the form is empty';
          return reject(
            new DigitInputError('BAD_REQUEST', `multipart/form-data needs a part named "${IMAGE_FIELD}" (${found})`),
          );
        }
        resolve(inputs);
      }, reject);
    });
    parser.end(body);
  });
}
