// Agreement between a scorer and human raters on one score scale: quadratic weighted kappa,
// Pearson r, RMSE, exact and adjacent agreement, and the confusion matrix. Scores are compared on
// a grid (by default 0.5 steps): values are snapped to the nearest grid point before counting.

export interface Grid {
  min: number;
  max: number;
  step: number;
}

/** The VSTEP scale: 0-10 in steps of 0.5 (the grid platform scores are on). */
export const vstepGrid: Grid = { min: 0, max: 10, step: 0.5 };

export interface Agreement {
  n: number;
  /** Quadratic weighted kappa; null when undefined (no essays, or no spread in either rating). */
  qwk: number | null;
  /** Pearson correlation; null when either side has no variance. */
  pearson: number | null;
  rmse: number | null;
  /** Share of essays where both agree exactly on the grid. */
  exact: number | null;
  /** Share where they are at most one grid step apart. */
  adjacent: number | null;
  meanHuman: number | null;
  meanPredicted: number | null;
  /** confusion[i][j]: essays the humans put in grid category i and the scorer in category j. */
  confusion: number[][];
  /** The grid values that label the confusion matrix's rows and columns. */
  categories: number[];
}

export function gridValues({ min, max, step }: Grid): number[] {
  const count = Math.round((max - min) / step) + 1;
  return Array.from({ length: count }, (_, i) => Number((min + i * step).toFixed(6)));
}

/** Index of the grid category nearest to `value` (ties towards the higher one), clamped to the grid. */
export function categoryOf(value: number, { min, max, step }: Grid): number {
  const clamped = Math.min(max, Math.max(min, value));
  return Math.floor((clamped - min) / step + 0.5 + 1e-9);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Cohen's kappa with quadratic weights over the grid's categories:
 * 1 - sum(w * observed) / sum(w * expected), with w(i, j) = (i - j)^2 / (K - 1)^2 and the
 * expected matrix from the two marginal histograms. Null when that is 0/0 (both raters gave one
 * and the same category to everything) or there is nothing to compare; 0 for a constant scorer
 * against humans who vary.
 */
export function quadraticWeightedKappa(human: readonly number[], predicted: readonly number[], grid: Grid): number | null {
  if (human.length !== predicted.length) throw new RangeError('the two ratings have different lengths');
  const n = human.length;
  const k = gridValues(grid).length;
  if (n === 0 || k < 2) return null;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let observed = 0;
  for (let e = 0; e < n; e++) {
    const i = categoryOf(human[e]!, grid);
    const j = categoryOf(predicted[e]!, grid);
    rows[i]!++;
    cols[j]!++;
    observed += (i - j) ** 2;
  }
  let expected = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expected += ((i - j) ** 2 * rows[i]! * cols[j]!) / n;
  if (expected === 0) return null;
  return 1 - observed / expected;
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError('the two series have different lengths');
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

export function rmse(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError('the two series have different lengths');
  if (xs.length === 0) return null;
  return Math.sqrt(xs.reduce((sum, x, i) => sum + (x - ys[i]!) ** 2, 0) / xs.length);
}

/** Every measure at once; `predicted` is snapped to the grid for the categorical ones. */
export function agreement(human: readonly number[], predicted: readonly number[], grid: Grid): Agreement {
  const categories = gridValues(grid);
  const confusion = categories.map(() => new Array<number>(categories.length).fill(0));
  let exact = 0;
  let adjacent = 0;
  for (let e = 0; e < human.length; e++) {
    const i = categoryOf(human[e]!, grid);
    const j = categoryOf(predicted[e]!, grid);
    confusion[i]![j]!++;
    if (i === j) exact++;
    if (Math.abs(i - j) <= 1) adjacent++;
  }
  const n = human.length;
  return {
    n,
    qwk: quadraticWeightedKappa(human, predicted, grid),
    pearson: pearson(human, predicted),
    rmse: rmse(human, predicted),
    exact: n ? exact / n : null,
    adjacent: n ? adjacent / n : null,
    meanHuman: n ? mean(human) : null,
    meanPredicted: n ? mean(predicted) : null,
    confusion,
    categories,
  };
}
