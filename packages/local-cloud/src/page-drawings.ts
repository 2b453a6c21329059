/**
 * What the draw-a-digit page really sends: real MNIST test digits redrawn as pen strokes on its
 * 280×280 canvas (black fill, white round pen of side/13 px, antialiased), exported as the
 * browser's canvas.toBlob does — an 8-bit RGBA PNG, alpha 255, adaptively filtered and deflated.
 * For load benchmarks and tests; the same rasteriser draws larger "photos" of a digit.
 */
import { PNG } from 'pngjs';
import { PIXELS } from '@digits/common';
import { strokesOf, type Point } from './digit-strokes';
import { readMnistSplit } from './mnist-files';

/** The page's canvas side and pen (services/inference/src/page: 280 px, penWidth = side / 13). */
export const PAGE_CANVAS_SIDE = 280;

export interface PageDrawing {
  label: number;
  png: Uint8Array;
}

/** `count` MNIST test digits from `offset`, each as the page's canvas PNG of it drawn stroke by stroke. */
export async function samplePageDrawings(count: number, offset = 0): Promise<PageDrawing[]> {
  const { count: total, images, labels } = await readMnistSplit('test');
  return Array.from({ length: count }, (_, n) => {
    const i = (offset + n) % total;
    const strokes = strokesOf(images.subarray(i * PIXELS, (i + 1) * PIXELS));
    return { label: labels[i]!, png: canvasPng(strokeCoverage(strokes, PAGE_CANVAS_SIDE, PAGE_CANVAS_SIDE)) };
  });
}

export interface Coverage {
  width: number;
  height: number;
  /** Pen coverage of each pixel, 0..1, row-major. */
  ink: Float32Array;
}

/**
 * Strokes in MNIST coordinates (0..28, pixel centres) drawn with a round pen over a width × height
 * canvas: a pixel's coverage is its distance to the pen's edge, clamped to 0..1 (a canvas's
 * antialiasing, to within a fraction of a pixel).
 */
export function strokeCoverage(strokes: Point[][], width: number, height: number): Coverage {
  const sx = width / 28;
  const sy = height / 28;
  const radius = Math.min(width, height) / 13 / 2;
  const ink = new Float32Array(width * height);
  for (const stroke of strokes) {
    const pts = stroke.map(([x, y]) => [(x + 0.5) * sx, (y + 0.5) * sy] as const);
    for (let k = 0; k < pts.length; k++) {
      const [ax, ay] = pts[k]!;
      const [bx, by] = pts[Math.min(k + 1, pts.length - 1)]!;
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
      const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
      const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius + 1));
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const px = x + 0.5 - ax;
          const py = y + 0.5 - ay;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
          const d = Math.hypot(px - t * dx, py - t * dy);
          const c = Math.min(1, Math.max(0, radius + 0.5 - d));
          if (c > ink[y * width + x]!) ink[y * width + x] = c;
        }
      }
    }
  }
  return { width, height, ink };
}

/**
 * White ink on an opaque black canvas, as canvas.toBlob('image/png') encodes it: 8-bit RGBA.
 * `adaptiveFilters: false` encodes every row unfiltered instead: the same pixels (filters are
 * lossless), for callers that only need them, without pngjs's per-row search over all five filters
 * (most of the encoding's time, and ~50× slower still inside jest's module sandbox).
 */
export function canvasPng({ width, height, ink }: Coverage, { adaptiveFilters = true } = {}): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < ink.length; i++) {
    const v = Math.round(ink[i]! * 255);
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = v;
    png.data[i * 4 + 3] = 255;
  }
  // libpng's defaults, as browsers use them: adaptive filters (pngjs's -1), zlib level 6.
  return PNG.sync.write(png, { deflateLevel: 6, filterType: adaptiveFilters ? -1 : 0 });
}
