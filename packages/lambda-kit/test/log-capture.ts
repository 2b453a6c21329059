/** The JSON lines a function logger writes (Powertools writes info to stdout, warn/error to stderr). */
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

export const lambdaContext = (awsRequestId = 'req-1') => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'digits-dev-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:digits-dev-fn',
  memoryLimitInMB: '256',
  awsRequestId,
  logGroupName: '/aws/lambda/digits-dev-fn',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
