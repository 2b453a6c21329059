import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import { ROLLBACK_ENV } from '../function-env';

jest.mock('../../src/services', () =>
  jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
);

let handler: (typeof import('../../src/handlers/rollback'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(process.env, ROLLBACK_ENV);
  ({ handler } = await import('../../src/handlers/rollback'));
});
beforeEach(() => (capture = captureLogLines()));
afterEach(() => capture.restore());

describe('handlers/rollback', () => {
  it('invoked by hand, a refusal reaches the caller and is logged once', async () => {
    await expect(handler({}, lambdaContext('rollback'))).rejects.toThrow('no model is live yet: nothing to roll back');
    expect(capture.lines().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', errorType: 'RollbackError', permanent: true }),
    ]);
  });

  it('refuses malformed input, naming the field', async () => {
    await expect(handler({ trainingJob: 'x' }, lambdaContext('rollback'))).rejects.toThrow(
      'rollback input has unknown field(s): trainingJob',
    );
  });
});
