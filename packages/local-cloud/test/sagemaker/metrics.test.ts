import { METRIC_DEFINITIONS } from '@digits/common';
import { MetricCapture } from '../../src/sagemaker/metrics';

describe('MetricCapture (MetricDefinitions over log lines)', () => {
  it("keeps the last value of each metric, in the definitions' order, with the project's regexes", () => {
    const capture = new MetricCapture(METRIC_DEFINITIONS);
    capture.observe('epoch=1 train_loss=0.31 train_accuracy=0.90 test_loss=0.12 test_accuracy=0.9612', 1_000);
    capture.observe('loading data... 60000 rows', 1_500);
    capture.observe('epoch=2 train_loss=4.1e-2 train_accuracy=0.99 test_loss=0.05 test_accuracy=0.9921', 2_000);
    expect(capture.final()).toEqual([
      { MetricName: 'epoch', Value: 2, Timestamp: 2 },
      { MetricName: 'train_loss', Value: 0.041, Timestamp: 2 },
      { MetricName: 'train_accuracy', Value: 0.99, Timestamp: 2 },
      { MetricName: 'test_loss', Value: 0.05, Timestamp: 2 },
      { MetricName: 'test_accuracy', Value: 0.9921, Timestamp: 2 },
    ]);
  });

  it('leaves out metrics never printed and values that are not numbers', () => {
    const capture = new MetricCapture([
      { Name: 'acc', Regex: 'acc=(\\S+)' },
      { Name: 'loss', Regex: 'loss=([0-9.]+)' },
    ]);
    capture.observe('acc=nan');
    capture.observe('acc=0.5');
    capture.observe('acc=oops');
    expect(capture.final().map((m) => [m.MetricName, m.Value])).toEqual([['acc', 0.5]]);
  });
});
