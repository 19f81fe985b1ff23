import { describe, expect, it } from 'vitest';
import {
  isValidScore,
  levelFor,
  overallScore,
  toHalfPointGrid,
  weightedHalfPointMean,
} from '../../src/domain/scores.ts';

describe('level mapping', () => {
  it.each([
    [0, null],
    [3.5, null],
    [4, 'B1'],
    [4.5, 'B1'],
    [5.5, 'B1'],
    [6, 'B2'],
    [7, 'B2'],
    [8, 'B2'],
    [8.5, 'C1'],
    [10, 'C1'],
  ])('when the score is %s, then the level is %s', (score, level) => {
    expect(levelFor(score)).toBe(level);
  });

  it.each([3.9, 5.75, -0.5, 10.5, Number.NaN])('when the score %s is off the grid, then it is rejected', (score) => {
    expect(() => levelFor(score)).toThrow(RangeError);
  });
});

describe('score grid', () => {
  it.each([0, 0.5, 5, 9.5, 10])('when a score is %s, then it is valid', (s) => expect(isValidScore(s)).toBe(true));
  it.each([-0.5, 0.25, 6.1, 10.5, Infinity, Number.NaN])('when a score is %s, then it is invalid', (s) =>
    expect(isValidScore(s)).toBe(false),
  );

  it.each([
    [6.24, 6],
    [6.25, 6.5],
    [6.74, 6.5],
    [6.75, 7],
    [-3, 0],
    [12, 10],
  ])('when a raw value %s is put on the grid, then it becomes %s', (raw, grid) => {
    expect(toHalfPointGrid(raw)).toBe(grid);
  });
});

describe('overall score', () => {
  const criteria = (...scores: number[]) => Object.fromEntries(scores.map((score, i) => [`c${i}`, { score }]));

  it.each([
    // mean 6.125 -> 6.0 (below the midpoint)
    [[6, 6, 6, 6.5], 6],
    // mean 6.25 -> 6.5 (a tie rounds up)
    [[6, 6, 6.5, 6.5], 6.5],
    // mean 6.375 -> 6.5
    [[6, 6.5, 6.5, 6.5], 6.5],
    // mean 6.75 -> 7.0 (a tie rounds up)
    [[6.5, 6.5, 7, 7], 7],
    // five speaking criteria: mean 5.9 -> 6.0
    [[5, 6, 6, 6.5, 6], 6],
    [[0, 0, 0, 0], 0],
    [[10, 10, 10, 10], 10],
  ])('when the criteria are %j, then the overall is %s', (scores, overall) => {
    expect(overallScore(criteria(...scores))).toBe(overall);
  });

  it('when Task 2 counts twice Task 1, then (6 + 2 x 7) / 3 = 6.67 rounds to 6.5', () => {
    expect(weightedHalfPointMean([{ score: 6 }, { score: 7, weight: 2 }])).toBe(6.5);
  });

  it('when (5.5 + 2 x 6.5) / 3 = 6.17, then it rounds to 6.0', () => {
    expect(weightedHalfPointMean([{ score: 5.5 }, { score: 6.5, weight: 2 }])).toBe(6);
  });

  it('when a criterion is off the grid or there are none, then it refuses to compute', () => {
    expect(() => overallScore(criteria(6, 6.3))).toThrow(RangeError);
    expect(() => overallScore({})).toThrow(RangeError);
    expect(() => weightedHalfPointMean([{ score: 6, weight: 0 }])).toThrow(RangeError);
  });
});
