import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { inspectIdxStream } from '@digits/common';
import { checkUpload, type Counterpart, type UploadChecks } from '../src/check-upload';
import { Rejection } from '../src/rejection';
import { idxImages, idxLabels } from '@digits/test-kit';

/** The real inspection over in-memory bytes, as s3UploadChecks calls it; counterparts as raw would report them. */
function checksFor(bytes: Buffer, counterparts: Record<string, Counterpart[]> = {}): UploadChecks {
  return {
    inspect: (gzipped) => inspectIdxStream(Readable.from([bytes]), { gzipped, storedSize: bytes.length }),
    counterparts: async (dataset, split, kind) => counterparts[`${dataset}/${split}/${kind}`] ?? [],
  };
}

async function verdict(key: string, bytes: Buffer, counterparts?: Record<string, Counterpart[]>): Promise<string> {
  try {
    const accepted = await checkUpload({ key, size: bytes.length }, checksFor(bytes, counterparts));
    return `ACCEPTED ${accepted.dataset}/${accepted.split}/${accepted.kind}`;
  } catch (error) {
    if (error instanceof Rejection) return error.code;
    throw error;
  }
}

describe('checkUpload', () => {
  const images = gzipSync(idxImages(3));
  const labels = gzipSync(idxLabels([1, 2, 3]));

  it.each([
    ['inbox/my digits/train-images-idx3-ubyte.gz', images, 'ACCEPTED my digits/train/images'],
    ['inbox/mnist/t10k-labels-idx1-ubyte.gz', labels, 'ACCEPTED mnist/test/labels'],
    ['inbox/mnist/test-images.idx3', idxImages(3), 'ACCEPTED mnist/test/images'],
    ['inbox/mnist/notes.txt', Buffer.from('hello'), 'UNKNOWN_FILE'],
    // The corrections dataset is written by the pipeline alone: no upload may forge it.
    ['inbox/corrections/train-images-idx3-ubyte.gz', images, 'RESERVED_DATASET'],
    ['inbox/Corrections/t10k-labels-idx1-ubyte', idxLabels([1]), 'RESERVED_DATASET'],
    ['inbox/corrections-2/train-images-idx3-ubyte.gz', images, 'ACCEPTED corrections-2/train/images'],
    ['inbox/train-images-idx3-ubyte.gz', images, 'BAD_KEY'],
    ['inbox/a/b/train-images-idx3-ubyte.gz', images, 'BAD_KEY'],
    ['inbox/bad$name/train-images-idx3-ubyte.gz', images, 'BAD_KEY'],
    ['inbox/mnist/train-images-idx3-ubyte.gz', Buffer.alloc(0), 'EMPTY'],
    // Gzip is told by the bytes, as preprocess tells it: a name without .gz does not matter…
    ['inbox/mnist/train-images-idx3-ubyte', images, 'ACCEPTED mnist/train/images'],
    // …and a gzip stream that ends early is TRUNCATED, as preprocess reports it; corrupt is BAD_GZIP.
    ['inbox/mnist/train-images-idx3-ubyte.gz', images.subarray(0, 40), 'TRUNCATED'],
    [
      'inbox/mnist/train-images-idx3-ubyte.gz',
      Buffer.from([...images.subarray(0, 10), ...Buffer.alloc(30, 0xff)]),
      'BAD_GZIP',
    ],
    ['inbox/mnist/train-images-idx3-ubyte.gz', labels, 'KIND_MISMATCH'],
    ['inbox/mnist/train-labels-idx1-ubyte', Buffer.from('PK\x03\x04 a zip file, not IDX'), 'BAD_MAGIC'],
  ])('%s → %s', async (key, bytes, expected) => {
    expect(await verdict(key, bytes)).toBe(expected);
  });

  it('rejects labels whose count differs from the images already accepted for the split', async () => {
    const accepted = { 'mnist/train/images': [{ key: 'datasets/mnist/train-images-idx3-ubyte.gz', count: 3 }] };
    await expect(
      checkUpload(
        { key: 'inbox/mnist/train-labels-idx1-ubyte.gz', size: 100 },
        checksFor(gzipSync(idxLabels([1, 2, 3, 4])), accepted),
      ),
    ).rejects.toMatchObject({
      code: 'COUNT_MISMATCH',
      message: expect.stringMatching(/declares 4 items but datasets\/mnist\/train-images-idx3-ubyte.gz .* declares 3/),
    });
    expect(await verdict('inbox/mnist/train-labels-idx1-ubyte.gz', labels, accepted)).toBe(
      'ACCEPTED mnist/train/labels',
    );
    // Another split or another dataset is not compared.
    expect(await verdict('inbox/mnist/t10k-labels-idx1-ubyte.gz', gzipSync(idxLabels([1])), accepted)).toBe(
      'ACCEPTED mnist/test/labels',
    );
    expect(await verdict('inbox/other/train-labels-idx1-ubyte.gz', gzipSync(idxLabels([1])), accepted)).toBe(
      'ACCEPTED other/train/labels',
    );
  });

  it('names what is wrong', async () => {
    const reasons = async (key: string, bytes: Buffer) =>
      checkUpload({ key, size: bytes.length }, checksFor(bytes)).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    expect(await reasons('inbox/mnist/notes.txt', Buffer.from('x'))).toMatch(
      /file name "notes.txt" does not say what it holds/,
    );
    expect(await reasons('inbox/bad$name/train-images.gz', images)).toMatch(/invalid dataset name "bad\$name"/);
    expect(await reasons('inbox/mnist/train-images.gz', labels)).toMatch(/says images but its IDX header is labels/);
  });

  it('lets S3 failures through as errors, not rejections (the event is retried)', async () => {
    const checks: UploadChecks = {
      inspect: async () => Promise.reject(new Error('ECONNRESET')),
      counterparts: async () => [],
    };
    await expect(checkUpload({ key: 'inbox/mnist/train-images.gz', size: 10 }, checks)).rejects.toThrow('ECONNRESET');
  });

  it('says why the corrections dataset name is refused', async () => {
    await expect(checkUpload({ key: 'inbox/corrections/x.gz', size: 1 }, checksFor(images))).rejects.toThrow(
      'dataset name "corrections" is reserved',
    );
  });
});
