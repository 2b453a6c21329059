import { referenceFacts, referenceView } from '../../../src/page/browser/reference-view';

describe('referenceView', () => {
  it('names the reference version and size and gives every digit its accuracy', () => {
    const view = referenceView({
      version: 'r-00112233445566ff',
      rows: 10_000,
      accuracy: 0.5,
      perClassAccuracy: [1, 0],
    });

    expect(view).toEqual({
      set: `r-00112233445566ff (${(10_000).toLocaleString()} images)`,
      overall: '50.00%',
      perClass: ['100.0%', '0.0%'],
    });
    expect(referenceFacts(view)).toEqual([
      ['Reference set', view!.set],
      ['Reference accuracy', '50.00%'],
    ]);
  });

  it('is null for a model recorded before reference sets, or scores it cannot read', () => {
    expect(referenceView(null)).toBeNull();
    expect(referenceView(undefined)).toBeNull();
    expect(referenceView({ version: 'r-00112233445566ff' })).toBeNull();
  });
});
