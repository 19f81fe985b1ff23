import { describe, expect, it } from 'vitest';
import { overallScore, skillScore } from '../../src/domain/scores.ts';
import { skillProgress, trendSlope } from '../../src/progress/progress.ts';

describe('skill scores', () => {
  it.each([
    [{ task1: 6, task2: 6.5 }, 6.5], // 19/3 = 6.33
    [{ task1: 6.5, task2: 6 }, 6], // 18.5/3 = 6.17
    [{ task1: 5, task2: 6.5 }, 6], // 18/3 exactly
    [{ task1: 4, task2: 3.5 }, 3.5], // 11/3 = 3.67
    [{ task1: 10, task2: 9.5 }, 9.5], // 29/3 = 9.67
    [{ task1: 0, task2: 0 }, 0],
  ])('when writing tasks score %o, then writing = (T1 + 2 x T2) / 3 on the grid = %s', (tasks, score) => {
    expect(skillScore('writing', tasks)).toBe(score);
  });

  it.each([
    [[6, 6, 6.5], 6], // 6.17
    [[6, 6.5, 6.5], 6.5], // 6.33
    [[7.5, 8, 8], 8], // 7.83
    [[8.5, 8.5, 8], 8.5], // 8.33: C1
  ])('when speaking parts score %o, then speaking = their mean on the grid = %s', (parts, score) => {
    expect(skillScore('speaking', { part1: parts[0], part2: parts[1], part3: parts[2] })).toBe(score);
  });

  it('when a part is missing, then there is no skill score yet', () => {
    expect(skillScore('writing', { task1: 7 })).toBeNull();
    expect(skillScore('speaking', { part1: 7, part3: 7 })).toBeNull();
  });

  it.each([
    [[6, 6, 6.5, 6.5], 6.5], // x.25 rounds up
    [[6, 6.5, 6.5, 6.5], 6.5], // x.375
    [[6.5, 7, 7, 7], 7], // x.875
    [[7, 7, 7, 7.5], 7], // x.125
    [[7, 7.5, 7.5, 7.5], 7.5], // x.375
    [[6, 6.5, 7, 7.5], 7], // x.75 rounds up
    [[5, 5.5, 6, 6.5], 6], // 5.75 -> 6.0: across a level boundary (B1 -> B2)
  ])('when a task\'s criteria are %o, then its overall is %s (half-point edges round up)', (scores, overall) => {
    expect(overallScore(Object.fromEntries(scores.map((score, i) => [`c${i}`, { score }])))).toBe(overall);
  });
});

describe('progress', () => {
  const at = (n: number) => new Date(Date.UTC(2026, 0, n));
  const response = (n: number, overall: number, criteria: Record<string, number> = {}) => ({
    submissionId: `s${n}`, skill: 'writing' as const, task: 'task1' as const, overall, gradedAt: at(n), criteria,
  });

  it('when there is no graded response, then every measure is empty, not zero', () => {
    expect(skillProgress([])).toMatchObject({ graded: 0, latest: null, best: null, average: null, levelReached: null, criteria: [] });
  });

  it('when scores rise, fall or hold, then the trend says so; fewer than three is not enough data', () => {
    expect(trendSlope([5, 5.5, 6, 6.5])).toBeCloseTo(0.5);
    expect(skillProgress([5, 5.5, 6].map((o, i) => response(i, o))).trend.direction).toBe('improving');
    expect(skillProgress([7, 6, 5].map((o, i) => response(i, o))).trend.direction).toBe('declining');
    expect(skillProgress([6, 6.5, 6].map((o, i) => response(i, o))).trend.direction).toBe('steady');
    expect(skillProgress([5, 7].map((o, i) => response(i, o))).trend.direction).toBe('not_enough_data');
  });

  it('when responses arrive out of order, then latest and the trend follow the grading time', () => {
    const p = skillProgress([response(3, 7), response(1, 5), response(2, 6)]);
    expect(p.latest!.overall).toBe(7);
    expect(p.trend.points.map((x) => x.overall)).toEqual([5, 6, 7]);
    expect(p.best!.submissionId).toBe('s3');
  });

  it('when criteria differ, then the weakest comes first', () => {
    const p = skillProgress([response(1, 6, { grammar: 5, vocabulary: 7 }), response(2, 6, { grammar: 6, vocabulary: 6 })]);
    expect(p.criteria).toEqual([
      { criterion: 'grammar', average: 5.5, count: 2 },
      { criterion: 'vocabulary', average: 6.5, count: 2 },
    ]);
  });

  it('when the best response is below 4.0, then no level is reached', () => {
    expect(skillProgress([response(1, 3.5)]).levelReached).toBeNull();
  });
});
