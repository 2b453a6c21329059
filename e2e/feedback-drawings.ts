/**
 * Digits in a style the MNIST model gets wrong, made in code for the feedback loop's e2e test and
 * `pnpm bench:feedback`: mirror writing (each digit drawn reversed left to right, as children
 * learning to write often do). Every MNIST test digit from an offset is used, none picked: its
 * pen strokes (packages/local-cloud's digit-strokes) are mirrored and replayed on the page's canvas.
 * The same digits as 28×28 images (mirrored pixels) are the e2e test's corrections.
 */
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MNIST_FILES, PIXELS, correctionId, isHeldOut } from '@digits/common';
import { idxFile } from '@digits/test-kit';
import { PAGE_CANVAS_SIDE, canvasPng, readMnistIdx, strokeCoverage, strokesOf, type Point } from '@digits/local-cloud';

export const STYLE = 'mirror-written digits (reversed left to right), MNIST test strokes replayed on the page canvas';

export interface StyledDigit {
  label: number;
  /** What the page would send: its 280×280 canvas as PNG. */
  png: Uint8Array;
  /** The MNIST image mirrored (28×28 bytes): what a correction of it holds, near enough. */
  pixels: Uint8Array;
}

const SIDE = 28;

/** `count` MNIST test digits from `offset`, mirror-written. */
export async function mirroredDigits(count: number, offset = 0): Promise<StyledDigit[]> {
  const [images, labels] = await Promise.all([readMnistIdx('test', 'images'), readMnistIdx('test', 'labels')]);
  return Array.from({ length: count }, (_, n) => {
    const i = offset + n;
    const source = images.subarray(16 + i * PIXELS, 16 + (i + 1) * PIXELS);
    const pixels = new Uint8Array(PIXELS);
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) pixels[y * SIDE + x] = source[y * SIDE + SIDE - 1 - x]!;
    const strokes = strokesOf(source).map((s) => s.map(([x, y]): Point => [SIDE - 1 - x, y]));
    return {
      label: labels[8 + i]!,
      png: canvasPng(strokeCoverage(strokes, PAGE_CANVAS_SIDE, PAGE_CANVAS_SIDE)),
      pixels,
    };
  });
}

export interface Correction {
  pixels: Uint8Array;
  label: number;
}
