import type { Logger, S3ObjectRef } from '@digits/common';
import { datasetsOf } from '../src/event-datasets';

const object = (bucket: string, key: string): S3ObjectRef => ({ bucket, key, eventName: 'ObjectCreated:Put' });
const logger = (): Logger & { warn: jest.Mock } =>
  ({ debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() }) as never;

describe('datasetsOf', () => {
  it('names each (bucket, dataset) once, however many of its files the event names', () => {
    const objects = [
      object('raw', 'datasets/mnist/train-images-idx3-ubyte.gz'),
      object('raw', 'datasets/mnist/train-labels-idx1-ubyte.gz'),
      object('raw', 'datasets/my digits/t10k-images-idx3-ubyte'),
      object('other-raw', 'datasets/mnist/train-images-idx3-ubyte.gz'),
    ];
    expect(datasetsOf(objects, logger())).toEqual([
      { bucket: 'raw', dataset: 'mnist' },
      { bucket: 'raw', dataset: 'my digits' },
      { bucket: 'other-raw', dataset: 'mnist' },
    ]);
  });

  it('skips, with a warning, objects outside datasets/<dataset>/<file>', () => {
    const log = logger();
    expect(datasetsOf([object('raw', 'errors/x/i-1.json'), object('raw', 'datasets/loose-file.gz')], log)).toEqual([]);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledWith('ignoring an object outside datasets/<dataset>/<file>', {
      bucket: 'raw',
      key: 'errors/x/i-1.json',
    });
  });
});
