import { captureLogLines, lambdaContext } from '@digits/lambda-kit/testing';
import type { Clients } from '../../src/services';
import { ARTIFACTS, ENDPOINT, fakeS3, fakeSageMaker } from '../aws-fakes';

// The function builds its clients once; here they are the in-memory fakes.
const mockClients = {} as Clients;
jest.mock('../../src/services', () => {
  const actual = jest.requireActual('../../src/services');
  return { ...actual, createServices: (settings: never) => actual.createServices(settings, mockClients) };
});

let handler: (typeof import('../../src/handlers/rollback'))['handler'];
let capture: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  Object.assign(mockClients, { s3: fakeS3().client, sagemaker: fakeSageMaker().client });
  Object.assign(process.env, { LOG_LEVEL: 'info', ARTIFACTS_BUCKET: ARTIFACTS, ENDPOINT_NAME: ENDPOINT });
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
