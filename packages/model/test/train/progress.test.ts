import { ProgressBar } from '../../src/train/progress';
import { METRIC_DEFINITIONS } from '@digits/common';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  const stream = { isTTY, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  return { bar: new ProgressBar(stream), lines };
}

describe('training progress', () => {
  it('writes a plain line every 10% of an epoch when not on a terminal', () => {
    const { bar, lines } = capture(false);
    for (let b = 1; b <= 469; b++) bar.update('epoch 2/5', b, 469, 'loss 0.1');
    expect(lines).toHaveLength(9);
    expect(lines[3]).toBe('progress: epoch 2/5 40% (188/469 batches) loss 0.1\n');
    bar.clear();
    bar.update('epoch 3/5', 47, 469, 'loss 0.1');
    expect(lines).toHaveLength(10);
  });

  it('never produces a line a SageMaker metric regex would capture', () => {
    const { bar, lines } = capture(false);
    for (let b = 1; b <= 100; b++) bar.update('epoch 1/1', b, 100, 'loss 0.5');
    for (const { Regex } of METRIC_DEFINITIONS)
      for (const line of lines) expect(new RegExp(Regex).test(line)).toBe(false);
  });
});
