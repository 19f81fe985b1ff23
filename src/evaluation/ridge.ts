// Ridge regression on standardised features, with deterministic k-fold cross-validation that
// picks the penalty and a variance "stretch" inside each training part. Used to fit the offline
// writing scorer (scripts/fit-offline-scorer.ts); the scorer itself only evaluates the result.
import { predictLinear, type LinearModel } from '../scoring/offline-writing-model.ts';
import { rmse } from './metrics.ts';

export const lambdas = [0.3, 1, 3, 10, 30, 100, 300];
const k = 5;

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite here). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (Math.abs(pivot) < 1e-12) throw new Error('singular matrix');
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pivot;
      if (f === 0) continue;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** w = (Z'Z + λI)^-1 Z'(y - ȳ) on standardised Z; the intercept ȳ is not penalised. */
export function fitRidge(features: readonly string[], x: number[][], y: number[], lambda: number): LinearModel {
  const n = x.length;
  const p = features.length;
  const means = new Array<number>(p).fill(0);
  const sds = new Array<number>(p).fill(0);
  for (const row of x) row.forEach((v, j) => (means[j]! += v / n));
  for (const row of x) row.forEach((v, j) => (sds[j]! += (v - means[j]!) ** 2 / n));
  for (let j = 0; j < p; j++) sds[j] = Math.sqrt(sds[j]!) || 1;
  const z = x.map((row) => row.map((v, j) => (v - means[j]!) / sds[j]!));
  const ym = y.reduce((s, v) => s + v, 0) / n;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    const r = y[i]! - ym;
    for (let j = 0; j < p; j++) {
      b[j]! += zi[j]! * r;
      for (let l = j; l < p; l++) a[j]![l]! += zi[j]! * zi[l]!;
    }
  }
  for (let j = 0; j < p; j++) {
    for (let l = 0; l < j; l++) a[j]![l] = a[l]![j]!;
    a[j]![j]! += lambda;
  }
  const w = solve(a, b);
  return {
    intercept: ym,
    lambda,
    stretch: 1,
    weights: Object.fromEntries(features.map((name, j) => [name, { mean: means[j]!, sd: sds[j]!, weight: w[j]! }])),
  };
}

/** mulberry32: a small seeded generator, so folds are the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fold of each item: a seeded Fisher-Yates shuffle, then position mod k. */
export function folds(n: number, seed: number): number[] {
  const random = seeded(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Array<number>(n);
  order.forEach((item, position) => (fold[item] = position % k));
  return fold;
}

const sdOf = (a: number[]) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};

/** Out-of-fold (unstretched) predictions for one penalty. */
function outOfFold(features: readonly string[], rows: Record<string, number>[], y: number[], fold: number[], lambda: number): number[] {
  const out = new Array<number>(y.length);
  for (let f = 0; f < k; f++) {
    const train = fold.flatMap((g, i) => (g === f ? [] : [i]));
    const model = fitRidge(features, train.map((i) => features.map((name) => rows[i]![name]!)), train.map((i) => y[i]!), lambda);
    fold.forEach((g, i) => {
      if (g === f) out[i] = predictLinear(model, rows[i]!, false);
    });
  }
  return out;
}

/**
 * Fits one model: the penalty with the lowest cross-validated RMSE, then the stretch that gives
 * the out-of-fold predictions the spread of the human scores (ridge pulls them towards the mean,
 * so without it the extremes of the scale are never predicted).
 */
export function fitTuned(features: readonly string[], rows: Record<string, number>[], y: number[], seed: number): LinearModel {
  const fold = folds(y.length, seed);
  let best = { lambda: lambdas[0]!, error: Infinity, predictions: [] as number[] };
  for (const lambda of lambdas) {
    const predictions = outOfFold(features, rows, y, fold, lambda);
    const error = rmse(predictions, y)!;
    if (error < best.error - 1e-12) best = { lambda, error, predictions };
  }
  const model = fitRidge(features, rows.map((r) => features.map((name) => r[name]!)), y, best.lambda);
  return { ...model, stretch: sdOf(y) / sdOf(best.predictions) };
}

/**
 * Nested cross-validation: for each of the k outer folds, a model is tuned and fitted on the
 * other folds only (inner CV for penalty and stretch) and predicts the held-out essays.
 * Returns the out-of-fold models by fold and each item's fold.
 */
export function crossValidatedModels(
  features: readonly string[],
  rows: Record<string, number>[],
  y: number[],
  seed: number,
): { fold: number[]; models: LinearModel[] } {
  const fold = folds(y.length, seed);
  const models: LinearModel[] = [];
  for (let f = 0; f < k; f++) {
    const train = fold.flatMap((g, i) => (g === f ? [] : [i]));
    models.push(fitTuned(features, train.map((i) => rows[i]!), train.map((i) => y[i]!), seed * 1000 + f));
  }
  return { fold, models };
}
