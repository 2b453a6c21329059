import { MNIST_FILES, identifyIdxFile, rawKey } from '@digits/common';
import type { RawFile } from '@digits/common';
import { chooseSources } from '../src/sources';

const file = (name: string, seconds: number): RawFile => ({
  ...identifyIdxFile(name)!,
  key: rawKey('d', name),
  file: name,
  etag: `"${name}"`,
  size: 1,
  lastModified: new Date(seconds * 1000),
});

describe('chooseSources', () => {
  const all = Object.values(MNIST_FILES).flatMap((s) => [s.images, s.labels]);

  it('names the files still missing', () => {
    const choice = chooseSources([file(MNIST_FILES.train.labels, 1)]);
    expect(choice).toEqual({
      complete: false,
      missing: [MNIST_FILES.train.images, MNIST_FILES.test.images, MNIST_FILES.test.labels],
    });
  });

  it('takes the newest candidate for each slot, the same one every time', () => {
    const files = [...all.map((n) => file(n, 1)), file('train-images-idx3-ubyte', 5), file('t10k-labels.idx1', 1)];
    const choice = chooseSources(files);
    if (!choice.complete) throw new Error('expected complete');
    expect(choice.sources.train.images.file).toBe('train-images-idx3-ubyte');
    // A tie on time is broken by key, whatever the listing order.
    expect(chooseSources([...files].reverse())).toEqual(choice);
    expect(choice.sources.test.labels.file).toBe('t10k-labels-idx1-ubyte.gz');
  });
});
