import { PNG } from 'pngjs';
import { inflateSync } from 'node:zlib';
import { canvasPng, PAGE_CANVAS_SIDE, samplePageDrawings, strokeCoverage } from '../src/page-drawings';

describe('samplePageDrawings: what the page sends', () => {
  it('is an 8-bit RGBA PNG of the 280×280 canvas: opaque, black ground, white antialiased ink', async () => {
    const [drawing] = await samplePageDrawings(1);
    const bytes = Buffer.from(drawing!.png);
    expect([bytes[24], bytes[25]]).toEqual([8, 6]); // IHDR: bit depth 8, colour type RGBA
    const { width, height, data } = PNG.sync.read(bytes);
    expect([width, height]).toEqual([PAGE_CANVAS_SIDE, PAGE_CANVAS_SIDE]);
    const values = new Set<number>();
    let translucentOrColoured = 0;
    for (let i = 0; i < width * height; i++) {
      if (data[i * 4 + 3] !== 255 || data[i * 4] !== data[i * 4 + 1]) translucentOrColoured++;
      values.add(data[i * 4]!);
    }
    expect(translucentOrColoured).toBe(0);
    expect([data[0], values.has(255), values.size > 5]).toEqual([0, true, true]); // edges between 0 and 255
    expect(drawing!.label).toBe(7); // the first MNIST test digit
  });

  it('without adaptive filters: every row unfiltered, the same pixels', () => {
    const coverage = strokeCoverage(
      [
        [
          [6, 6],
          [22, 20],
        ],
      ],
      280,
      280,
    );
    const adaptive = PNG.sync.read(Buffer.from(canvasPng(coverage)));
    const plainBytes = Buffer.from(canvasPng(coverage, { adaptiveFilters: false }));
    expect(Buffer.compare(PNG.sync.read(plainBytes).data, adaptive.data)).toBe(0);
    // The one IDAT chunk (after the signature and IHDR) inflates to rows each led by filter byte 0.
    const idatLength = plainBytes.readUInt32BE(33);
    expect(plainBytes.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(plainBytes.subarray(41, 41 + idatLength));
    const filters = new Set(Array.from({ length: 280 }, (_, y) => raw[y * (280 * 4 + 1)]));
    expect([...filters]).toEqual([0]);
  });

  it('draws a round pen of side/13: a dot covers ~π r² pixels', () => {
    const { ink } = strokeCoverage([[[13.5, 13.5]]], 280, 280);
    const area = ink.reduce((sum, v) => sum + v, 0);
    expect(area).toBeCloseTo(Math.PI * (280 / 26) ** 2, -1);
  });
});
