/** The gate line's summary of what a corrections model learnt. */
import { feedbackSummary } from '../../src/cli/watch-pipeline';

describe('feedbackSummary', () => {
  const scores = {
    initModel: 'digits-local--mnist-abc-a1',
    corrections: 400,
    heldOut: 107,
    heldOutAccuracy: 0.8879,
    initHeldOutAccuracy: 0.6355,
    replayRows: 12000,
  };

  it('says what the model learnt from and its held-out score beside the live one, with the images that changed', () => {
    expect(feedbackSummary({ ...scores, fixed: 28, broken: 1 })).toBe(
      'learnt from 400 corrections + 12000 replayed rows, held-out corrections (107) 0.8879 vs live 0.6355 (28 fixed, 1 broken)',
    );
  });

  it('leaves the counts out of a record written before they were kept, and says n/a without a live score', () => {
    expect(feedbackSummary({ ...scores, initHeldOutAccuracy: null })).toBe(
      'learnt from 400 corrections + 12000 replayed rows, held-out corrections (107) 0.8879 vs live n/a',
    );
  });
});
