import { createFunctionLogger } from '../src';
import { captureLogLines } from '../src/testing';

let capture: ReturnType<typeof captureLogLines>;
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

describe('createFunctionLogger', () => {
  it('writes one JSON line with the service, the message and the fields', () => {
    createFunctionLogger('ingest', 'info').info('upload accepted', { key: 'inbox/a', count: 3 });
    expect(capture.lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'ingest',
        message: 'upload accepted',
        key: 'inbox/a',
        count: 3,
        timestamp: expect.any(String),
      }),
    ]);
  });

  it('serialises an error field with its name, message and stack', () => {
    createFunctionLogger('ingest', 'info').error('failed', { error: new RangeError('too big') });
    expect(capture.lines()[0]).toMatchObject({
      error: { name: 'RangeError', message: 'too big', stack: expect.stringContaining('RangeError: too big') },
    });
  });

  it("keeps a field named like one of Powertools' own keys, renamed (message → detail)", () => {
    createFunctionLogger('inference', 'info').warn('request refused', { status: 404, message: 'no route GET /x' });
    expect(capture.lines()).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'request refused', status: 404, detail: 'no route GET /x' }),
    ]);
  });

  it('drops lines under its level, whatever LOG_LEVEL says (the level comes from the config)', () => {
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'debug';
    try {
      const logger = createFunctionLogger('ingest', 'warn');
      logger.debug('no');
      logger.info('no');
      logger.warn('yes');
    } finally {
      process.env.LOG_LEVEL = saved;
    }
    expect(capture.lines().map((l) => l.message)).toEqual(['yes']);
  });
});
