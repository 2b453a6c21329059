import { FEATURE_BINS, IMAGE_SIDE, PIXELS, StatisticsAccumulator, imageFeatures, parseImageStatistics } from '../src';

/** A filled rectangle of ink (255) from (x0, y0) to (x1, y1) inclusive. */
function rectangle(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const img = new Uint8Array(PIXELS);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) img[y * IMAGE_SIDE + x] = 255;
  return img;
}

describe('imageFeatures', () => {
  it('measures ink mass, the bounding box of the ink and its centre of mass', () => {
    const f = imageFeatures(rectangle(10, 4, 13, 23), 255);
    expect(f.bboxWidth).toBe(4);
    expect(f.bboxHeight).toBe(20);
    expect(f.centreX).toBeCloseTo(11.5);
    expect(f.centreY).toBeCloseTo(13.5);
    expect(f.inkMass).toBeCloseTo(80 / PIXELS);
  });

  it('gives an empty image no box and a centred centre; 0–1 floats and bytes agree', () => {
    expect(imageFeatures(new Float32Array(PIXELS))).toEqual({
      inkMass: 0,
      bboxWidth: 0,
      bboxHeight: 0,
      centreX: 14,
      centreY: 14,
    });
    const bytes = rectangle(3, 3, 8, 9);
    expect(imageFeatures(Float32Array.from(bytes, (v) => v / 255))).toEqual(imageFeatures(bytes, 255));
  });
});

describe('StatisticsAccumulator', () => {
  it('histograms each feature in its fixed bins, averages the images and counts labels', () => {
    const acc = new StatisticsAccumulator();
    acc.add(rectangle(10, 4, 13, 23), 255, 1);
    acc.add(rectangle(10, 4, 13, 23), 255, 1);
    acc.add(rectangle(4, 4, 23, 23), 255, 0);
    const stats = acc.result();

    expect(stats.count).toBe(3);
    expect(stats.labels).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(stats.features.bboxWidth.counts).toHaveLength(FEATURE_BINS.bboxWidth.bins);
    expect(stats.features.bboxWidth.counts[2]).toBe(2); // width 4 → bin [4, 6)
    expect(stats.features.bboxWidth.counts[10]).toBe(1); // width 20 → bin [20, 22)
    expect(stats.meanImage[4 * IMAGE_SIDE + 10]).toBe(1);
    expect(stats.meanImage[4 * IMAGE_SIDE + 4]).toBeCloseTo(1 / 3, 4);
    expect(parseImageStatistics(JSON.stringify(stats), 'x')).toEqual(stats);
  });

  it('parseImageStatistics names what is wrong', () => {
    const stats = new StatisticsAccumulator().result();
    expect(() => parseImageStatistics('{', 's.json')).toThrow(/^s\.json: not JSON/);
    expect(() => parseImageStatistics(JSON.stringify({ ...stats, meanImage: [] }), 's.json')).toThrow(
      's.json: meanImage does not have 784 values',
    );
  });
});
