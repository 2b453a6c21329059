import { PermanentError, RetryableBatchError, createFunctionLogger, settleEach } from '../src';
import { captureLogLines } from '../src/testing';

let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

const name = (n: number) => `item ${n}`;

describe('settleEach', () => {
  it('gives each result with the item it came from', async () => {
    const settled = await settleEach([1, 2], name, async (n) => n * 10, createFunctionLogger('t', 'info'));
    expect(settled).toEqual({
      results: [
        { item: 'item 1', result: 10 },
        { item: 'item 2', result: 20 },
      ],
      failed: [],
    });
  });

  it('a permanent failure: one error line, reported, the others still run', async () => {
    const settled = await settleEach(
      [1, 2, 3],
      name,
      async (n) => {
        if (n === 2) throw new PermanentError('bad input');
        return n;
      },
      createFunctionLogger('t', 'info'),
    );
    expect(settled.results.map((r) => r.result)).toEqual([1, 3]);
    expect(settled.failed).toEqual([{ item: 'item 2', errorType: 'PermanentError', message: 'bad input' }]);
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'item failed permanently; not retried', item: 'item 2' }),
    ]);
  });

  it('a retryable failure: every item is tried, then one error naming each that will be retried', async () => {
    const tried: number[] = [];
    const run = settleEach(
      [1, 2, 3],
      name,
      async (n) => {
        tried.push(n);
        if (n !== 2) throw new Error(`timeout ${n}`);
      },
      createFunctionLogger('t', 'info'),
    );
    await expect(run).rejects.toEqual(
      new RetryableBatchError([
        { item: 'item 1', errorType: 'Error', message: 'timeout 1' },
        { item: 'item 3', errorType: 'Error', message: 'timeout 3' },
      ]),
    );
    expect(tried).toEqual([1, 2, 3]);
    expect(capture.lines().filter((l) => l.level === 'WARN')).toHaveLength(2);
  });
});
