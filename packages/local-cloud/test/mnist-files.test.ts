import { PIXELS } from '@digits/common';
import { readMnistIdx, readMnistSplit } from '../src/mnist-files';

describe('readMnistSplit', () => {
  it.each([
    ['train', 60_000],
    ['test', 10_000],
  ] as const)('reads %s without its IDX headers, images and labels in step', async (split, count) => {
    const [rawImages, rawLabels, parsed] = await Promise.all([
      readMnistIdx(split, 'images'),
      readMnistIdx(split, 'labels'),
      readMnistSplit(split),
    ]);
    expect(parsed.count).toBe(count);
    expect(parsed.images.length).toBe(count * PIXELS);
    expect(parsed.labels.length).toBe(count);
    // The files' own layout: a 16-byte images header and an 8-byte labels header.
    const last = count - 1;
    expect(Buffer.from(parsed.images.subarray(last * PIXELS)).equals(rawImages.subarray(16 + last * PIXELS))).toBe(
      true,
    );
    expect(parsed.labels[0]).toBe(rawLabels[8]);
    expect(parsed.labels[last]).toBe(rawLabels[8 + last]);
  });
});
