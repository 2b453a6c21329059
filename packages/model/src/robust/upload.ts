/**
 * A corrupted image as the bytes a client uploads: a grey PNG, or an RGBA JPEG when the corruption
 * asks for one (and a JPEG encoder is given); dark ink on white unless the corruption says otherwise.
 */
import { encodePng } from '@digits/normalise';
import type { CorruptedImage } from './corruptions';

/** An ImageData-shaped RGBA image → JPEG bytes (the benchmark passes mozjpeg's, @jsquash/jpeg). */
export type JpegEncode = (image: ImageData, options: { quality: number }) => Promise<ArrayBuffer>;

export function encodeUpload(image: CorruptedImage, jpeg?: JpegEncode): Uint8Array | Promise<Uint8Array> {
  const grey = image.darkInk ? image.pixels.map((v) => 1 - v) : image.pixels;
  if (image.jpegQuality === undefined) return encodePng(grey, image.side);
  if (!jpeg) throw new Error('this corruption is a JPEG, and no JPEG encoder was given');
  const data = new Uint8ClampedArray(image.side * image.side * 4);
  for (let i = 0; i < grey.length; i++) {
    data.fill(Math.round(grey[i]! * 255), i * 4, i * 4 + 3);
    data[i * 4 + 3] = 255;
  }
  const rgba = { data, width: image.side, height: image.side, colorSpace: 'srgb' } as ImageData;
  return jpeg(rgba, { quality: image.jpegQuality }).then((b) => new Uint8Array(b));
}
