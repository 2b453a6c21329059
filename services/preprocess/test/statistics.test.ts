import { IdxBytes, PIXELS } from '@digits/common';
import { mnistSamples } from '@digits/test-kit';
import { splitStatistics } from '../src/statistics';

it('computes the statistics of every image of a split, with its labels', async () => {
  const samples = await mnistSamples('train', 200);
  const bytes = new Uint8Array(samples.length * PIXELS);
  samples.forEach((s, i) => bytes.set(s.pixels, i * PIXELS));
  const stats = splitStatistics({
    count: samples.length,
    images: new IdxBytes([bytes.subarray(0, 100 * PIXELS), bytes.subarray(100 * PIXELS)]),
    labels: Uint8Array.from(samples.map((s) => s.label)),
  });

  expect(stats.count).toBe(200);
  expect(stats.labels!.reduce((a, b) => a + b, 0)).toBe(200);
  // MNIST digits: about 13 % ink, 20 px tall, centred by the dataset's own preprocessing.
  const mean = (h: { counts: number[]; min: number; max: number }) => {
    const w = (h.max - h.min) / h.counts.length;
    return h.counts.reduce((sum, c, i) => sum + c * (h.min + (i + 0.5) * w), 0) / stats.count;
  };
  expect(mean(stats.features.inkMass)).toBeGreaterThan(0.08);
  expect(mean(stats.features.inkMass)).toBeLessThan(0.2);
  expect(mean(stats.features.bboxHeight)).toBeGreaterThan(17);
  expect(mean(stats.features.centreX)).toBeGreaterThan(12);
  expect(mean(stats.features.centreX)).toBeLessThan(16);
});
