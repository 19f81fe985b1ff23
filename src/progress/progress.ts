// A student's progress from their graded responses: pure arithmetic, no database.
import { levelFor, type Level, type Skill, type Task } from '../domain/scores.ts';

export interface GradedResponse {
  submissionId: string;
  skill: Skill;
  task: Task;
  overall: number;
  gradedAt: Date;
  criteria: Readonly<Record<string, number>>;
}

export type TrendDirection = 'improving' | 'steady' | 'declining' | 'not_enough_data';

/** Points of overall per response the trend line must gain (or lose) to call it a trend. */
export const trendThreshold = 0.1;
/** The trend looks at this many latest responses. */
export const trendWindow = 10;

const round2 = (x: number) => Math.round(x * 100) / 100;

function point(r: GradedResponse) {
  return { submissionId: r.submissionId, task: r.task, overall: r.overall, level: levelFor(r.overall), gradedAt: r.gradedAt.toISOString() };
}

/** Least-squares slope of overall against position, over the latest `trendWindow` responses. */
export function trendSlope(overalls: readonly number[]): number | null {
  const ys = overalls.slice(-trendWindow);
  if (ys.length < 3) return null;
  const n = ys.length;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let cov = 0;
  let varX = 0;
  ys.forEach((y, x) => {
    cov += (x - meanX) * (y - meanY);
    varX += (x - meanX) ** 2;
  });
  return cov / varX;
}

export function skillProgress(responses: readonly GradedResponse[]) {
  const ordered = [...responses].sort((a, b) => a.gradedAt.getTime() - b.gradedAt.getTime());
  if (ordered.length === 0) {
    return { graded: 0, latest: null, best: null, average: null, levelReached: null as Level, trend: { direction: 'not_enough_data' as TrendDirection, slope: null, points: [] }, criteria: [] };
  }
  const best = ordered.reduce((a, b) => (b.overall > a.overall ? b : a));
  const slope = trendSlope(ordered.map((r) => r.overall));
  const direction: TrendDirection =
    slope === null ? 'not_enough_data' : slope >= trendThreshold ? 'improving' : slope <= -trendThreshold ? 'declining' : 'steady';
  const sums = new Map<string, { total: number; count: number }>();
  for (const r of ordered) {
    for (const [name, score] of Object.entries(r.criteria)) {
      const s = sums.get(name) ?? { total: 0, count: 0 };
      s.total += score;
      s.count += 1;
      sums.set(name, s);
    }
  }
  const criteria = [...sums.entries()]
    .map(([criterion, { total, count }]) => ({ criterion, average: round2(total / count), count }))
    // Weakest first: what to practise next.
    .sort((a, b) => a.average - b.average || a.criterion.localeCompare(b.criterion));
  return {
    graded: ordered.length,
    latest: point(ordered[ordered.length - 1]!),
    best: point(best),
    average: round2(ordered.reduce((sum, r) => sum + r.overall, 0) / ordered.length),
    levelReached: levelFor(best.overall),
    trend: { direction, slope: slope === null ? null : round2(slope), points: ordered.map(point) },
    criteria,
  };
}
