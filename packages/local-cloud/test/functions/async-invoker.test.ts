import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncInvoker } from '../../src/functions/async-invoker';
import { FailedEvents, type FailedEventRecord } from '../../src/functions/failed-events';
import { LambdaError } from '../../src/functions/lambda-function';
import { PendingEvents } from '../../src/functions/pending-events';

describe('AsyncInvoker: Lambda asynchronous invocation, offline', () => {
  let dir: string;
  let failedEvents: FailedEvents;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failed-events-'));
    failedEvents = new FailedEvents(dir);
    lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const files = async (fn: string) => (await readdir(join(dir, fn)).catch(() => [] as string[])).sort();

  it('retries a failing event twice, then keeps it as a Lambda-shaped failure record', async () => {
    // Prepare
    const calls: unknown[] = [];
    const invoker = new AsyncInvoker({
      invoke: async (_name, event) => {
        calls.push(event);
        throw new LambdaError('Error', `boom ${calls.length}`, 'digits-preprocess-local-preprocess', ['at x']);
      },
      log,
      retryDelaysMs: [0, 0],
      failedEvents,
    });
    const event = { Records: [{ s3: { object: { key: 'mnist/a.gz' } } }] };
    // Act
    invoker.enqueue('digits-preprocess-local-preprocess', event, 'S3');
    await invoker.idle();
    // Assess
    expect(calls).toHaveLength(3);
    const kept = await files('digits-preprocess-local-preprocess');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/\.json$/);
    const record = JSON.parse(
      await readFile(join(dir, 'digits-preprocess-local-preprocess', kept[0]!), 'utf8'),
    ) as FailedEventRecord;
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:digits-preprocess-local-preprocess',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'boom 3', trace: ['at x'] },
      source: 'S3',
    });
    expect(record.attempts.map((a) => a.errorMessage)).toEqual(['boom 1', 'boom 2', 'boom 3']);
    expect(lines.join('\n')).toContain(join(dir, 'digits-preprocess-local-preprocess', kept[0]!));
    expect(await failedEvents.summary()).toEqual({ total: 1, byFunction: { 'digits-preprocess-local-preprocess': 1 } });
  });

  it('keeps nothing when a retry succeeds', async () => {
    let calls = 0;
    const invoker = new AsyncInvoker({
      invoke: async () => {
        if (++calls < 2) throw new Error('transient');
        return 'ok';
      },
      log,
      retryDelaysMs: [0, 0],
      failedEvents,
    });
    invoker.enqueue('fn', {}, 'EventBridge');
    await invoker.idle();
    expect(calls).toBe(2);
    expect(await failedEvents.summary()).toEqual({ total: 0, byFunction: {} });
  });

  it('tells listeners about each kept event, with the running total', async () => {
    const seen: Array<{ path: string; total: number }> = [];
    failedEvents.onKept((kept) => seen.push({ path: kept.path, total: kept.total }));
    const invoker = new AsyncInvoker({
      invoke: async () => {
        throw new Error('permanent');
      },
      log,
      retryDelaysMs: [0, 0],
      failedEvents,
    });
    invoker.enqueue('fn-a', { n: 1 }, 'S3');
    invoker.enqueue('fn-b', { n: 2 }, 'S3');
    await invoker.idle();
    expect(seen.map((s) => s.total).sort()).toEqual([1, 2]);
    expect(await failedEvents.summary()).toEqual({ total: 2, byFunction: { 'fn-a': 1, 'fn-b': 1 } });
  });

  it('keeps an event whose retries a shutdown cut short, marked Interrupted', async () => {
    let calls = 0;
    const invoker = new AsyncInvoker({
      invoke: async () => {
        calls++;
        throw new Error('fails');
      },
      log,
      retryDelaysMs: [200, 200],
      failedEvents,
    });
    invoker.enqueue('fn', { n: 1 }, 'S3');
    await new Promise((r) => setTimeout(r, 50));
    invoker.close();
    await invoker.idle();
    expect(calls).toBe(1);
    const [file] = await files('fn');
    const record = JSON.parse(await readFile(join(dir, 'fn', file!), 'utf8')) as FailedEventRecord;
    expect(record.requestContext.condition).toBe('Interrupted');
    expect(record.requestContext.approximateInvokeCount).toBe(1);
  });

  it('counts what an earlier run kept (a new FailedEvents on the same folder)', async () => {
    const invoker = new AsyncInvoker({
      invoke: async () => {
        throw new Error('x');
      },
      log,
      retryDelaysMs: [0, 0],
      failedEvents,
    });
    invoker.enqueue('fn', {}, 'S3');
    await invoker.idle();
    expect(await new FailedEvents(dir).summary()).toEqual({ total: 1, byFunction: { fn: 1 } });
    expect(await new FailedEvents(join(dir, 'never-created')).summary()).toEqual({ total: 0, byFunction: {} });
  });

  describe("with a pending-events folder (Lambda's durable queue of accepted events)", () => {
    // Beside the failed events' folder, whose every subfolder counts as a function's.
    const pendingIn = (name: string) => new PendingEvents(`${dir}-${name}`);
    afterEach(() => rm(`${dir}-pending`, { recursive: true, force: true }));

    it('has each accepted event on disk before the function runs, and removes it once done', async () => {
      const pending = pendingIn('pending');
      const seenOnDisk: number[] = [];
      const invoker = new AsyncInvoker({
        invoke: async () => void seenOnDisk.push(pending.list().length),
        log,
        failedEvents,
        pending,
      });
      invoker.enqueue('fn', { n: 1 }, 'S3');
      await invoker.idle();
      expect(seenOnDisk).toEqual([1]);
      expect(pending.list()).toEqual([]);
    });

    it('delivers again at the next start what a crashed run accepted and did not finish', async () => {
      const pending = pendingIn('pending');
      // The crashed run: the event was accepted, and its process died during the invocation.
      const crashed = new AsyncInvoker({ invoke: () => new Promise(() => {}), log, failedEvents, pending });
      crashed.enqueue('preprocess', { key: 'mnist/a.gz' }, 'S3');
      const delivered: unknown[] = [];
      const next = new AsyncInvoker({
        invoke: async (name, event) => void delivered.push({ name, event }),
        log,
        failedEvents,
        pending: pendingIn('pending'),
      });
      expect(next.redeliverPending()).toBe(1);
      await next.idle();
      expect(delivered).toEqual([{ name: 'preprocess', event: { key: 'mnist/a.gz' } }]);
      expect(pending.list()).toEqual([]);
      expect(lines.some((l) => l.includes('redelivering an async event from S3'))).toBe(true);
    });

    it('leaves an event a shutdown interrupted for the next start instead of calling it failed', async () => {
      const pending = pendingIn('pending');
      const invoker = new AsyncInvoker({
        invoke: async () => {
          throw new Error('worker stopped');
        },
        log,
        retryDelaysMs: [200, 200],
        failedEvents,
        pending,
      });
      invoker.enqueue('fn', { n: 1 }, 'S3');
      await new Promise((r) => setTimeout(r, 50));
      invoker.close();
      await invoker.idle();
      expect(pending.list().map((p) => p.event)).toEqual([{ n: 1 }]);
      expect((await failedEvents.summary()).total).toBe(0);
    });

    it('keeps an event whose retries are exhausted as failed, and no longer pending', async () => {
      const pending = pendingIn('pending');
      const invoker = new AsyncInvoker({
        invoke: async () => {
          throw new Error('bad event');
        },
        log,
        retryDelaysMs: [0, 0],
        failedEvents,
        pending,
      });
      invoker.enqueue('fn', { n: 1 }, 'S3');
      await invoker.idle();
      expect(pending.list()).toEqual([]);
      expect((await failedEvents.summary()).byFunction).toEqual({ fn: 1 });
    });
  });
});
