/**
 * Test fixtures for functions built with lambda-kit (imported as `@digits/lambda-kit/testing`,
 * never by function code): a Lambda context, and the JSON lines a function logger writes.
 */
import type { Context } from 'aws-lambda';
import type { FunctionMetrics, MetricDimensions } from './telemetry';

/** Powertools writes info to stdout, warn and error to stderr: both are captured. */
export function captureLogLines(): { lines: () => Array<Record<string, unknown>>; restore: () => void } {
  const written: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }),
  );
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}

export const lambdaContext = (functionName = 'fn', awsRequestId = 'req-1'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface RecordedMetric {
  kind: keyof FunctionMetrics;
  name: string;
  value: number;
  dimensions?: MetricDimensions;
}

/** A FunctionMetrics that keeps what was recorded, in order, for a test to assert on. */
export function recordingMetrics(): { metrics: FunctionMetrics; recorded: RecordedMetric[] } {
  const recorded: RecordedMetric[] = [];
  const at =
    (kind: keyof FunctionMetrics) =>
    (name: string, value = 1, dimensions?: MetricDimensions) =>
      void recorded.push({ kind, name, value, ...(dimensions ? { dimensions } : {}) });
  return {
    metrics: { count: at('count'), milliseconds: at('milliseconds'), seconds: at('seconds'), value: at('value') },
    recorded,
  };
}
