// Agreement measures against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { agreement, categoryOf, pearson, quadraticWeightedKappa, rmse } from '../../src/evaluation/metrics.ts';

const grid3 = { min: 1, max: 3, step: 1 };
const half = { min: 1, max: 5, step: 0.5 };

describe('quadratic weighted kappa', () => {
  it('when both raters agree on every essay, then it is 1', () => {
    expect(quadraticWeightedKappa([1, 2, 3, 3], [1, 2, 3, 3], grid3)).toBe(1);
  });

  it('when one pair of neighbours is swapped, then it is 1 - 2/5.5 = 7/11', () => {
    // observed: two essays one category off -> 2; expected: sum (i-j)^2 r_i c_j / n = 22 / 4 = 5.5
    expect(quadraticWeightedKappa([1, 2, 3, 3], [1, 3, 3, 2], grid3)).toBeCloseTo(7 / 11, 12);
  });

  it('when the scorer reverses the order, then it is -1', () => {
    // observed 4 + 0 + 4 = 8; expected 12 / 3 = 4
    expect(quadraticWeightedKappa([1, 2, 3], [3, 2, 1], grid3)).toBeCloseTo(-1, 12);
  });

  it('when the scorer gives everyone the same score, then it is 0', () => {
    expect(quadraticWeightedKappa([1, 2, 3], [2, 2, 2], grid3)).toBe(0);
  });

  it('when neither rater varies, or there are no essays, then it is undefined (null), not 1 or NaN', () => {
    expect(quadraticWeightedKappa([2, 2], [2, 2], grid3)).toBeNull();
    expect(quadraticWeightedKappa([], [], grid3)).toBeNull();
  });

  it('when scores fall between grid points or outside it, then they are snapped and clamped first', () => {
    expect(categoryOf(2.74, half)).toBe(3); // 2.5
    expect(categoryOf(2.75, half)).toBe(4); // 3.0: ties go up
    expect(categoryOf(0, half)).toBe(0);
    expect(categoryOf(9, half)).toBe(8);
    expect(quadraticWeightedKappa([1, 3, 5], [1.2, 2.9, 7], half)).toBe(1);
  });

  it('when the lengths differ, then it refuses', () => {
    expect(() => quadraticWeightedKappa([1], [1, 2], grid3)).toThrow(RangeError);
  });
});

describe('pearson, rmse and agreement', () => {
  it('computes r and RMSE as worked out by hand', () => {
    // dx = -1, 0, 1; dy = -7/3, -1/3, 8/3: sxy = 5, sxx = 2, syy = 114/9
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt(2 * (114 / 9)), 12);
    expect(pearson([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(rmse([], [])).toBeNull();
  });

  it('counts exact and adjacent agreement and fills the confusion matrix', () => {
    const a = agreement([3, 3, 3.5, 4], [3, 3.5, 4.5, 4], half);
    expect(a).toMatchObject({ n: 4, exact: 0.5, adjacent: 0.75, meanHuman: 3.375, meanPredicted: 3.75 });
    expect(a.categories).toEqual([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
    expect(a.confusion[4]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(a.confusion[5]![7]).toBe(1);
    expect(a.confusion.flat().reduce((x, y) => x + y, 0)).toBe(4);
  });
});
