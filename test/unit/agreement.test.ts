// Rater agreement (src/moderation/agreement.ts) on a small set of marks, every figure worked out
// by hand below.
import { describe, expect, it } from 'vitest';
import { agreement, quadraticWeightedKappa, vstepGrid } from '../../src/evaluation/metrics.ts';
import { agreementReport, type MarkedSubmission } from '../../src/moderation/agreement.ts';

const none = {};
const marked = (id: string, marks: MarkedSubmission['marks'], rest: Partial<MarkedSubmission> = {}): MarkedSubmission => ({
  id,
  marks,
  adjudicated: false,
  final: null,
  aiDraft: null,
  ...rest,
});
const final = (source: NonNullable<MarkedSubmission['final']>['source'], overall: number, criteria: Record<string, number> = none) => ({ source, overall, criteria });

// Graders a, b, c; s is a senior; one first mark has no grader (the account was deleted).
const submissions: MarkedSubmission[] = [
  // Double-marked, agreeing: (6.0 + 6.5) / 2 = 6.25 -> 6.5.
  marked('s1', [{ graderId: 'a', kind: 'first', overall: 6 }, { graderId: 'b', kind: 'second', overall: 6.5 }], {
    final: final('double_marked', 6.5, { taskFulfilment: 6.5, organisation: 7 }),
    aiDraft: { overall: 6, criteria: { taskFulfilment: 6, organisation: 6 } },
  }),
  // Double-marked, 2 points apart: the senior adjudicates (the adjudication mark alone says so).
  marked(
    's2',
    [
      { graderId: 'a', kind: 'first', overall: 5 },
      { graderId: 'b', kind: 'second', overall: 7 },
      { graderId: 's', kind: 'adjudication', overall: 6 },
    ],
    { final: final('adjudicated', 6), aiDraft: { overall: 5, criteria: none } },
  ),
  marked('s3', [{ graderId: 'b', kind: 'first', overall: 4 }, { graderId: 'a', kind: 'second', overall: 4 }], { final: final('double_marked', 4) }),
  // Single-marked: the mark became the result.
  marked('s4', [{ graderId: 'a', kind: 'first', overall: 7 }], {
    final: final('human', 7, { taskFulfilment: 7, organisation: 7 }),
    aiDraft: { overall: 8, criteria: { taskFulfilment: 8, organisation: 8, grammar: 8 } },
  }),
  // Appealed: the senior's decision replaced c's result.
  marked('s5', [{ graderId: 'c', kind: 'first', overall: 5.5 }, { graderId: 's', kind: 'appeal', overall: 6 }], {
    final: final('appeal', 6, { grammar: 6, pronunciation: 6 }),
    aiDraft: { overall: 5, criteria: { grammar: 5, pronunciation: 4.5 } },
  }),
  // Still in review: a draft, no final result.
  marked('s6', [], { aiDraft: { overall: 7, criteria: none } }),
  marked('s7', [{ graderId: null, kind: 'first', overall: 3 }, { graderId: 'b', kind: 'second', overall: 3.5 }], { final: final('double_marked', 3.5) }),
  // Waiting for its second mark: no final result yet, not yet a pair.
  marked('s8', [{ graderId: 'a', kind: 'first', overall: 6 }]),
  // A final result the AI decided: not a human judgement of the draft.
  marked('s9', [], { final: final('ai', 4), aiDraft: { overall: 4, criteria: none } }),
];

describe('rater agreement', () => {
  const report = agreementReport(submissions);

  it('when graders marked, then each has their marks, severity against the final result and adjudicated share', () => {
    expect(report.graders).toEqual([
      // a: marks s1, s2, s3, s4, s8 = 5. Against a final (not s8): 6-6.5, 5-6, 4-4, 7-7 = -0.5, -1, 0, 0:
      // mean -1.5/4 = -0.375, absolute 1.5/4 = 0.375. Pairs s1, s2, s3 (not s8): s2 adjudicated, 1/3.
      { graderId: 'a', marks: 5, adjudications: 0, appeals: 0, compared: 4, meanDifference: -0.375, meanAbsoluteDifference: 0.375, doubleMarked: 3, adjudicatedShare: 0.333 },
      // b: 6.5-6.5, 7-6, 4-4, 3.5-3.5 = 0, 1, 0, 0: mean and absolute 1/4. Pairs s1, s2, s3, s7: 1/4.
      { graderId: 'b', marks: 4, adjudications: 0, appeals: 0, compared: 4, meanDifference: 0.25, meanAbsoluteDifference: 0.25, doubleMarked: 4, adjudicatedShare: 0.25 },
      // s: an adjudication and an appeal, neither compared for severity.
      { graderId: 's', marks: 2, adjudications: 1, appeals: 1, compared: 0, meanDifference: null, meanAbsoluteDifference: null, doubleMarked: 0, adjudicatedShare: null },
      // c: 5.5 against the appeal's 6.0.
      { graderId: 'c', marks: 1, adjudications: 0, appeals: 0, compared: 1, meanDifference: -0.5, meanAbsoluteDifference: 0.5, doubleMarked: 0, adjudicatedShare: null },
    ]);
  });

  it('when submissions have a first and a second mark, then their kappa and agreement shares are those worked out by hand', () => {
    // Pairs (first, second): s1 (6, 6.5), s2 (5, 7), s3 (4, 4), s7 (3, 3.5); grid categories
    // (2 x score): (12, 13), (10, 14), (8, 8), (6, 7). Observed sum (i - j)^2 = 1 + 16 + 0 + 1 = 18.
    // Expected: every first against every second, / n: i=12: 1+4+16+25 = 46; i=10: 9+16+4+9 = 38;
    // i=8: 25+36+0+1 = 62; i=6: 49+64+4+1 = 118; 264 / 4 = 66. QWK = 1 - 18/66 = 8/11 = 0.727.
    expect(report.humanHuman).toEqual({ n: 4, qwk: 0.727, exactAgreement: 0.25, withinHalfPoint: 0.75, adjudicatedShare: 0.25 });
    const first = [6, 5, 4, 3];
    const second = [6.5, 7, 4, 3.5];
    expect(quadraticWeightedKappa(first, second, vstepGrid)).toBeCloseTo(8 / 11, 12);
    expect(agreement(first, second, vstepGrid).qwk).toBeCloseTo(8 / 11, 12);
  });

  it('when reviewed submissions had an AI draft, then the kappa and bias of the draft against the final result are those worked out by hand', () => {
    // s1, s2, s4, s5 (s6 has no final result, s9's was the AI's). (human, AI): (6.5, 6), (6, 5),
    // (7, 8), (6, 5); categories (13, 12), (12, 10), (14, 16), (12, 10). Observed 1 + 4 + 4 + 4 = 13.
    // Expected: i=13: 1+9+9+9 = 28; i=12: 0+4+16+4 = 24 (twice); i=14: 4+16+4+16 = 40; 116 / 4 = 29.
    // QWK = 1 - 13/29 = 16/29 = 0.552. Bias (AI - human): -0.5 - 1 + 1 - 1 = -1.5, / 4 = -0.375.
    // Criteria scored by both: taskFulfilment s1 -0.5, s4 +1 -> 0.25; organisation s1 -1, s4 +1 -> 0;
    // grammar s5 -1 (s4's final has none); pronunciation s5 -1.5. Writing's order, then speaking's.
    expect(report.humanAi).toEqual({
      n: 4,
      qwk: 0.552,
      meanBias: -0.375,
      criteria: { taskFulfilment: { n: 2, meanBias: 0.25 }, organisation: { n: 2, meanBias: 0 }, grammar: { n: 1, meanBias: -1 }, pronunciation: { n: 1, meanBias: -1.5 } },
    });
    expect(Object.keys(report.humanAi.criteria)).toEqual(['taskFulfilment', 'organisation', 'grammar', 'pronunciation']);
    expect(quadraticWeightedKappa([6.5, 6, 7, 6], [6, 5, 8, 5], vstepGrid)).toBeCloseTo(16 / 29, 12);
  });

  it('when an adjudication is open but not yet made, then the pair counts as adjudicated', () => {
    const open = marked('o', [{ graderId: 'a', kind: 'first', overall: 3 }, { graderId: 'b', kind: 'second', overall: 6 }], { adjudicated: true });
    const r = agreementReport([open]);
    expect(r.humanHuman).toMatchObject({ n: 1, adjudicatedShare: 1, exactAgreement: 0, withinHalfPoint: 0 });
    expect(r.graders.map((g) => [g.graderId, g.adjudicatedShare, g.meanDifference])).toEqual([
      ['a', 1, null],
      ['b', 1, null],
    ]);
  });

  it('when there is nothing to compare, then counts are 0 and figures null, never NaN', () => {
    expect(agreementReport([])).toEqual({
      graders: [],
      humanHuman: { n: 0, qwk: null, exactAgreement: null, withinHalfPoint: null, adjudicatedShare: null },
      humanAi: { n: 0, qwk: null, meanBias: null, criteria: {} },
    });
    // Both markers gave everything the same score: kappa is undefined (0/0), agreement is total.
    const same = agreementReport([marked('x', [{ graderId: 'a', kind: 'first', overall: 5 }, { graderId: 'b', kind: 'second', overall: 5 }])]);
    expect(same.humanHuman).toEqual({ n: 1, qwk: null, exactAgreement: 1, withinHalfPoint: 1, adjudicatedShare: 0 });
  });
});
