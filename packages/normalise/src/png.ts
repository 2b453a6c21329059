import { PNG } from 'pngjs';

/** An 8-bit grayscale PNG of square 0..1 pixels (e.g. the 28×28 the model saw, for a debug view). */
export function encodePng(pixels: Float32Array, side = 28): Uint8Array {
  if (pixels.length !== side * side) throw new RangeError(`encodePng: ${pixels.length} pixels is not ${side}×${side}`);
  const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const data = Buffer.alloc(side * side);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
