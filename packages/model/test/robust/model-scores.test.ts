import { PIXELS } from '@digits/common';
import { mnistTestSamples } from '@digits/test-kit';
import { PNG_CORRUPTIONS, CORRUPTIONS, SUITE_VERSION } from '../../src/robust/corruptions';
import { robustnessMetricLine, robustnessSubset, scoreModelRobustness } from '../../src/robust/model-scores';
import { initBackend } from '../../src/backend';
import { tinyModel } from '../serve/tiny-model';

/** `rows` images whose first pixel holds the row number, labelled row % 10. */
function numbered(rows: number) {
  const pixels = new Uint8Array(rows * PIXELS);
  for (let r = 0; r < rows; r++) pixels[r * PIXELS] = r;
  return { pixels, labels: Uint8Array.from({ length: rows }, (_, r) => r % 10), rows };
}

describe('robustnessSubset', () => {
  it('draws the same rows for the same seed, without repeats, scaled to 0–1 with their labels', () => {
    const data = numbered(200);
    const a = robustnessSubset(data, 50);
    const b = robustnessSubset(data, 50);
    const rows = a.images.map((img) => Math.round(img[0]! * 255));
    expect(b.images.map((img) => Math.round(img[0]! * 255))).toEqual(rows);
    expect(new Set(rows).size).toBe(50);
    expect(rows).not.toEqual(Array.from({ length: 50 }, (_, i) => i)); // shuffled, not the first 50
    expect(a.labels).toEqual(rows.map((r) => r % 10));
    expect(robustnessSubset(data, 50, 2).images.map((img) => Math.round(img[0]! * 255))).not.toEqual(rows);
  });

  it('takes every row when there are fewer than asked', () => {
    const { images } = robustnessSubset(numbered(7), 100);
    expect(images.map((img) => Math.round(img[0]! * 255)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('scoreModelRobustness', () => {
  beforeAll(() => initBackend(), 60_000);

  it('scores every corruption but JPEG, through the upload path, and names the suite and source', async () => {
    const samples = await mnistTestSamples(30);
    const data = {
      pixels: Uint8Array.from(samples.flatMap((s) => Array.from(s.pixels))),
      labels: Uint8Array.from(samples.map((s) => s.label)),
      rows: samples.length,
    };
    const scores = await scoreModelRobustness(tinyModel(), data, 'test', 20);
    expect(scores).toMatchObject({ suite: SUITE_VERSION, source: 'test', images: 20 });
    expect(Object.keys(scores.corruptions)).toEqual(PNG_CORRUPTIONS.map((c) => c.name));
    expect(PNG_CORRUPTIONS.length).toBe(CORRUPTIONS.length - 1);
    expect(Object.values(scores.corruptions).every((a) => a >= 0 && a <= 1 && a * 20 === Math.round(a * 20))).toBe(
      true,
    );
    expect(robustnessMetricLine(scores)).toMatch(/^robustness_mean=\d\.\d{4} .* robustness_images=20 /);
  }, 60_000);
});
