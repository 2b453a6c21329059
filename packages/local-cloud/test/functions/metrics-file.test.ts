import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emfOf, MetricsFile, summaryLine, totals } from '../../src/functions/metrics-file';

const emf = (fields: Record<string, unknown>, metrics: Array<[string, string]>, dims: string[] = ['service']) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [
        { Namespace: 'digits-local', Dimensions: [dims], Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })) },
      ],
    },
    service: 'inference',
    ...fields,
  });

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'metrics-file-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

it('keeps only EMF lines, with the function that printed them', () => {
  const file = new MetricsFile(join(dir, 'metrics', 'emf.jsonl'));
  expect(file.offer('api', '{"level":"INFO","message":"hi"}')).toBe(false);
  expect(file.offer('api', 'plain text')).toBe(false);
  expect(file.offer('api', emf({ PredictLatency: 3.5 }, [['PredictLatency', 'Milliseconds']]))).toBe(true);
  expect(file.read()).toEqual([
    { function: 'api', emf: emfOf(emf({ PredictLatency: 3.5 }, [['PredictLatency', 'Milliseconds']])) },
  ]);
});

it('adds up counts by dimension and averages the rest, in one line', () => {
  const file = new MetricsFile(join(dir, 'emf.jsonl'));
  file.offer('api', emf({ digit: '7', Predictions: 2 }, [['Predictions', 'Count']], ['service', 'digit']));
  file.offer('api', emf({ digit: '7', Predictions: 1 }, [['Predictions', 'Count']], ['service', 'digit']));
  file.offer(
    'api',
    emf({ PredictLatency: [2, 4], Confidence: 0.5 }, [
      ['PredictLatency', 'Milliseconds'],
      ['Confidence', 'None'],
    ]),
  );

  expect(totals(file.read()).get('Predictions{digit=7}')).toEqual({
    name: 'Predictions{digit=7}',
    unit: 'Count',
    count: 2,
    sum: 3,
  });
  expect(summaryLine(file.read())).toBe(
    'metrics (3 EMF lines): Predictions{digit=7}=3 · PredictLatency mean 3.00 ms (n=2) · Confidence mean 0.500 (n=1)',
  );
  expect(summaryLine(new MetricsFile(join(dir, 'none.jsonl')).read())).toBe('metrics: none recorded yet');
});

it('appends to what an earlier run wrote, and reads back what the open file has written so far', () => {
  const path = join(dir, 'emf.jsonl');
  const line = emf({ PredictLatency: 1 }, [['PredictLatency', 'Milliseconds']]);
  const first = new MetricsFile(path);
  first.offer('api', line);
  first.close();
  const second = new MetricsFile(path);
  second.offer('api', `${line}  `);
  expect(second.read()).toHaveLength(2);
  expect(second.read()[1]).toEqual({ function: 'api', emf: emfOf(line) });
  second.close();
});
