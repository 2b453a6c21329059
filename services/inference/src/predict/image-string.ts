import { DigitInputError } from '@digits/normalise';

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;
/** Media types a data URL may declare; the bytes are sniffed by the normaliser either way. */
const IMAGE_TYPES = new Set(['', 'image/png', 'image/jpeg', 'image/jpg', 'application/octet-stream']);

/**
 * An image sent as text: a `data:image/png;base64,...` URL (what a canvas's toDataURL gives) or
 * bare base64 (standard or URL-safe alphabet, whitespace ignored). `where` names the field in errors.
 */
export function decodeImageString(text: string, where: string): Uint8Array {
  let payload = text;
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    const type = dataUrl[1]!.trim().toLowerCase();
    if (!IMAGE_TYPES.has(type)) {
      throw new DigitInputError(
        'UNSUPPORTED_MEDIA',
        `${where}: data URL of type ${type} is not supported: send image/png or image/jpeg`,
      );
    }
    if (!/;base64$/i.test(dataUrl[2]!)) {
      throw new DigitInputError('UNDECODABLE', `${where}: data URL must be base64-encoded (data:image/png;base64,...)`);
    }
    payload = text.slice(dataUrl[0].length);
  } else if (/^data:/i.test(text)) {
    throw new DigitInputError('UNDECODABLE', `${where}: malformed data URL (expected data:image/png;base64,...)`);
  }
  const compact = payload.replace(/\s+/g, '');
  if (compact.length === 0) throw new DigitInputError('EMPTY', `${where}: the image is empty`);
  const urlSafe = !BASE64.test(compact);
  if ((urlSafe && !BASE64_URL.test(compact)) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new DigitInputError('UNDECODABLE', `${where}: not valid base64 (nor a data: URL)`);
  }
  return Buffer.from(compact, urlSafe ? 'base64url' : 'base64');
}
