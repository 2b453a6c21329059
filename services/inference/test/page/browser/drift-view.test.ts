import { driftView } from '../../../src/page/browser/drift-view';

const report = {
  generatedAt: '2026-12-01T18:30:00.000Z',
  samples: 120,
  score: 0.7,
  threshold: 0.3,
  status: 'drift' as const,
  scores: { inkMass: 0.13, bboxHeight: 0.7, meanImage: 0.35 },
};

describe('driftView', () => {
  it('says the verdict, the largest score against the threshold, and lists each statistic largest first', () => {
    expect(driftView({ report })).toEqual({
      summary:
        'Drift: DRIFT — largest score 0.70 against the threshold 0.30 (120 captured digits, 2026-12-01 18:30 UTC).',
      drifted: true,
      rows: [
        ['box height', '0.70'],
        ['mean image', '0.35'],
        ['ink mass', '0.13'],
      ],
    });
  });

  it('says why a run did not judge, and shows nothing before the first report', () => {
    expect(
      driftView({
        report: {
          ...report,
          status: 'insufficient-data',
          scores: {},
          note: '3 captured digits in the window; at least 100 are needed',
        },
      })?.summary,
    ).toBe(
      'Drift: not judged (3 captured digits in the window; at least 100 are needed; 120 captured digits, 2026-12-01 18:30 UTC).',
    );
    expect(driftView({ report: null })).toBeNull();
    expect(driftView(null)).toBeNull();
  });
});
