import { parseMetricLine, parseProgressLine } from '../../src/cli/progress';

describe('start progress parsing', () => {
  it('reads the metric line the trainer prints per epoch', () => {
    expect(parseMetricLine('epoch=3 train_loss=0.0410 test_accuracy=0.9912')).toEqual({
      epoch: 3,
      train_loss: 0.041,
      test_accuracy: 0.9912,
    });
    expect(parseMetricLine('data: 8000 training rows')).toBeUndefined();
  });

  it('reads the batch progress line', () => {
    expect(parseProgressLine('progress: epoch 2/5 40% (188/469 batches) loss 0.0712')).toEqual({
      epoch: 2,
      epochs: 5,
      fraction: 0.4,
      loss: 0.0712,
    });
    expect(parseProgressLine('epoch=2 train_loss=0.1')).toBeUndefined();
  });
});
