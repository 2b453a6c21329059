/**
 * The training functions' services over the in-memory fakes, for the handler tests. A handler
 * builds its services when it loads; a test file swaps the factory with
 *   jest.mock('../../src/services', () =>
 *     jest.requireActual<typeof import('../fake-services')>('../fake-services').servicesOverFakes(),
 *   );
 * and then drives `fakes` to set the scene and check what was called.
 */
import type * as ServicesModule from '../src/services';
import { fakeS3, fakeSageMaker } from './aws-fakes';

export const fakes = { s3: fakeS3(), sm: fakeSageMaker() };

export function servicesOverFakes(): typeof ServicesModule {
  const actual = jest.requireActual<typeof ServicesModule>('../src/services');
  return {
    ...actual,
    createServices: (settings) => actual.createServices(settings, { s3: fakes.s3.client, sagemaker: fakes.sm.client }),
  };
}
