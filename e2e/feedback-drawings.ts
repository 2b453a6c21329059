/**
 * Digits in a style the MNIST model gets wrong, made in code for the feedback loop's e2e test and
 * `pnpm bench:feedback`: a strong backhand (every stroke sheared left by 0.9 of its height above
 * the middle) written with a heavy pen (the digit at half size on the page's canvas, so its pen,
 * once /predict scales the digit up, is twice as thick). Every MNIST test digit from an offset is
 * used, none picked: its pen strokes (packages/local-cloud's digit-strokes) are restyled and
 * replayed on the page's 280×280 canvas.
 */
import { PIXELS } from '@digits/common';
import {
  PAGE_CANVAS_SIDE,
  canvasPng,
  readMnistSplit,
  strokeCoverage,
  strokesOf,
  type Point,
} from '@digits/local-cloud';
import { normaliseImage } from '@digits/normalise';

/** A style: every stroke point sheared by `shear` × its height above the middle, the digit drawn at `scale`. */
export interface Style {
  shear: number;
  scale: number;
}
/**
 * A strong backhand (about 50° from upright) at the page's usual pen: the shapes are all there,
 * slanted further than MNIST's writers ever did (the MNIST model gets ~60% of them right).
 */
export const STRONG_BACKHAND: Style = { shear: -1.2, scale: 1 };
/**
 * A backhand with a heavy pen (the digit at half size, so once scaled up its pen is twice as
 * thick): the thick strokes merge loops and gaps, so even a model fine-tuned on the style fits
 * only ~93% of its own corrections (bench:feedback measures ~0.91 at best: README).
 */
export const HEAVY_BACKHAND: Style = { shear: -0.9, scale: 0.5 };
export const STYLES = { 'strong-backhand': STRONG_BACKHAND, 'heavy-backhand': HEAVY_BACKHAND } as const;
export const describeStyle = ({ shear, scale }: Style): string =>
  `backhand slant (shear ${shear})${scale < 1 ? ` with a heavy pen (digit at ${scale} size)` : ''}, MNIST test strokes on the page canvas`;
const MIDDLE = 14;

export interface StyledDigit {
  label: number;
  /** What the page sends: its 280×280 canvas as PNG. */
  png: Uint8Array;
  /** The 28×28 bytes /predict's normaliser makes of it: what POST /feedback stores. */
  pixels: Uint8Array;
}

/** `count` MNIST test digits from `offset`, in the style. */
export async function styledDigits(count: number, offset = 0, style = HEAVY_BACKHAND): Promise<StyledDigit[]> {
  const { shear, scale } = style;
  const { images, labels } = await readMnistSplit('test');
  return Array.from({ length: count }, (_, n) => {
    const i = offset + n;
    const strokes = strokesOf(images.subarray(i * PIXELS, (i + 1) * PIXELS)).map((s) =>
      s.map(([x, y]): Point => [MIDDLE + (x - MIDDLE + shear * (y - MIDDLE)) * scale, MIDDLE + (y - MIDDLE) * scale]),
    );
    // Unfiltered rows: the same pixels, without the adaptive filter search (slow under jest).
    const png = canvasPng(strokeCoverage(strokes, PAGE_CANVAS_SIDE, PAGE_CANVAS_SIDE), { adaptiveFilters: false });
    const pixels = Uint8Array.from(normaliseImage(png).pixels, (v) => Math.round(v * 255));
    return { label: labels[i]!, png, pixels };
  });
}

export interface Correction {
  pixels: Uint8Array;
  label: number;
}
