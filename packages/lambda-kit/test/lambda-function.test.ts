import { PermanentError, createFunctionLogger, lambdaFunction } from '../src';
import { captureLogLines, lambdaContext } from '../src/testing';

let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

const logger = () => createFunctionLogger('test-service', 'info');

describe('lambdaFunction', () => {
  it('adds the request id and function name to every line the function logs', async () => {
    const log = logger();
    const handler = lambdaFunction<{ n: number }, number>(log, 'async').handler(async (event) => {
      log.info('working', { n: event.n });
      return event.n * 2;
    });

    expect(await handler({ n: 21 }, lambdaContext('digits-dev-fn', 'req-42'))).toBe(42);

    expect(capture.lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'working',
        n: 21,
        service: 'test-service',
        function_request_id: 'req-42',
        function_name: 'digits-dev-fn',
      }),
    ]);
  });

  it('async: a permanent error is logged once and returned, not thrown (Lambda does not retry it)', async () => {
    const handler = lambdaFunction<unknown, string>(logger(), 'async').handler(async () => {
      throw new PermanentError('no such dataset');
    });

    await expect(handler({}, lambdaContext('digits-dev-fn'))).resolves.toEqual({
      failed: { errorType: 'PermanentError', message: 'no such dataset' },
      retried: false,
    });
    const errors = capture.lines().filter((l) => l.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'invocation failed',
        errorType: 'PermanentError',
        permanent: true,
        function_request_id: 'req-1',
        error: expect.objectContaining({
          name: 'PermanentError',
          message: 'no such dataset',
          stack: expect.any(String),
        }),
      }),
    ]);
  });

  it('async: any other error is logged once and rethrown (Lambda retries the event)', async () => {
    const handler = lambdaFunction<unknown, string>(logger(), 'async').handler(async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });

    await expect(handler({}, lambdaContext('digits-dev-fn'))).rejects.toThrow('Rate exceeded');
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'ThrottlingException', permanent: false }),
    ]);
  });

  it('sync: even a permanent error reaches the caller (it is waiting for the answer)', async () => {
    const handler = lambdaFunction<unknown, string>(logger(), 'sync').handler(async () => {
      throw new PermanentError('input must be an object');
    });

    await expect(handler({}, lambdaContext('digits-dev-fn'))).rejects.toThrow('input must be an object');
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toHaveLength(1);
  });

  it('logs nothing at info when the level is warn', async () => {
    const log = createFunctionLogger('test-service', 'warn');
    const handler = lambdaFunction<unknown, void>(log, 'sync').handler(async () => log.info('quiet'));
    await handler({}, lambdaContext('digits-dev-fn'));
    expect(capture.lines()).toEqual([]);
  });
});
