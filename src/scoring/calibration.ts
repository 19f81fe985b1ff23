// Calibrated confidence: how far a scorer's overall is likely to be from a trained human's.
// Mondrian split-conformal prediction (Vovk et al., "Algorithmic Learning in a Random World",
// 2005; Angelopoulos & Bates, "A Gentle Introduction to Conformal Prediction", 2021):
//  - a difficulty score d = w·s, linear in signals that predict the error (length, how far the
//    model's traits disagree, distance to the middle of the scale and to a level boundary, and
//    for an LLM the distance to the offline second opinion), fitted to absolute errors;
//  - calibration essays binned by d; in each bin, the sorted absolute errors |overall − human|
//    of essays the scorer was never fitted on (out-of-fold).
// For a new essay in bin b with n calibration errors e(1) ≤ … ≤ e(n), k of them ≤ t:
//  - `within` reports the one-sided 90% Clopper–Pearson lower bound on the bin's rate of errors
//    ≤ t: with 90% confidence over the calibration essays, at least that share of new essays in
//    the bin are within t (the training-conditional form of split conformal: Vovk, "Conditional
//    validity of inductive conformal predictors", 2012). The plain estimate k / (n + 1) holds only
//    on average over calibration sets, and routing that picks the bins that look best would pick
//    their luck along with them;
//  - [overall − q, overall + q] with q = e(⌈(n + 1)·level⌉) covers the human score with
//    probability at least `level` on average (infinite q, the whole scale, when n is too small).
// Both hold for essays exchangeable with the calibration essays (drawn like them), not for each
// essay and not for essays unlike them.
import { levelBoundaries } from '../domain/routing.ts';
import { probabilityWithin, tolerances, type Uncertainty } from '../domain/uncertainty.ts';

export interface DifficultyModel {
  intercept: number;
  weights: Record<string, number>;
}

export interface ConformalCalibration {
  /** Which scorer and data this was fitted for (stored with every result it calibrates). */
  name: string;
  fittedOn: string;
  difficulty: DifficultyModel;
  /** Upper edges of the difficulty bins, ascending; the last bin is open-ended (edges.length + 1 bins). */
  edges: number[];
  /** Per bin, the calibration essays' absolute errors (VSTEP points), ascending. */
  bins: number[][];
}

/** The interval level stored with each result. */
export const intervalLevel = 0.9;

/** Distance from an overall to the nearest level boundary (4.0, 6.0, 8.5). */
export function boundaryDistance(overall: number): number {
  return Math.min(...levelBoundaries.map((b) => Math.abs(overall - b)));
}

/** The middle of the VSTEP scale: predictions pulled towards it err most at the ends. */
const scaleMiddle = 6;

/** The signals the offline scorer's calibration reads. */
export const calibrationSignalNames = ['lengthRatio', 'shortfall', 'traitSpread', 'extremity', 'boundaryDistance'] as const;

/** The signals every calibrated scorer reports for an overall. */
export function baseSignals(overall: number, traits: readonly number[], words: number, minimum: number): Record<string, number> {
  const mean = traits.reduce((a, b) => a + b, 0) / Math.max(1, traits.length);
  const spread = Math.sqrt(traits.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, traits.length));
  return {
    lengthRatio: Math.log(Math.max(1, words) / Math.max(1, minimum)),
    shortfall: Math.max(0, 1 - words / Math.max(1, minimum)),
    traitSpread: spread,
    extremity: Math.abs(overall - scaleMiddle),
    boundaryDistance: boundaryDistance(overall),
  };
}

export function difficultyOf(model: DifficultyModel, signals: Readonly<Record<string, number>>): number {
  let d = model.intercept;
  for (const [name, w] of Object.entries(model.weights)) d += w * (signals[name] ?? 0);
  return d;
}

const epsilon = 1e-9;

/** Confidence of the lower bounds `within` reports (over the draw of the calibration essays). */
export const boundConfidence = 0.9;

/** P(Binomial(n, p) ≥ k). */
function binomialTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let logTerm = n * Math.log1p(-p); // log P(X = 0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += Math.exp(logTerm);
    logTerm += Math.log((n - i) / (i + 1)) + Math.log(p) - Math.log1p(-p);
  }
  return Math.max(0, 1 - below);
}

/** The one-sided Clopper–Pearson lower bound on a rate with k successes in n, at the given confidence. */
export function rateLowerBound(k: number, n: number, confidence = boundConfidence): number {
  if (k <= 0 || n <= 0) return 0;
  // The p at which seeing k or more would happen only 1 − confidence of the time.
  let low = 0;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (binomialTail(n, k, mid) < 1 - confidence) low = mid;
    else high = mid;
  }
  return low;
}

/** The lower bound on the share of new essays with error ≤ tolerance, from ascending errors. */
export function coverageAt(errors: readonly number[], tolerance: number): number {
  let k = 0;
  while (k < errors.length && errors[k]! <= tolerance + epsilon) k++;
  return rateLowerBound(k, errors.length);
}

/** e(⌈(n + 1)·level⌉), or Infinity when the bin holds too few errors for that level. */
export function conformalQuantile(errors: readonly number[], level: number): number {
  const rank = Math.ceil((errors.length + 1) * level);
  return rank > errors.length ? Infinity : errors[rank - 1]!;
}

export function uncertaintyOf(calibration: ConformalCalibration, overall: number, signals: Readonly<Record<string, number>>): Uncertainty {
  const d = difficultyOf(calibration.difficulty, signals);
  let bin = calibration.edges.findIndex((edge) => d <= edge);
  if (bin < 0) bin = calibration.edges.length;
  const errors = calibration.bins[bin] ?? [];
  const q = conformalQuantile(errors, intervalLevel);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    within: tolerances.map((t) => round(coverageAt(errors, t))),
    interval: { low: Math.max(0, overall - q), high: Math.min(10, overall + q), level: intervalLevel },
    calibration: calibration.name,
    bin,
  };
}

/**
 * A second scorer agreeing with a calibrated one within δ points is within t of a human whenever
 * the calibrated one is within t − δ (triangle inequality), so its probability is at least the
 * calibrated one's at t − δ. Used for an LLM scoring with no calibration of its own.
 */
export function boundedByAgreement(reference: Uncertainty, overall: number, referenceOverall: number): Uncertainty {
  const delta = Math.abs(overall - referenceOverall);
  const within = tolerances.map((t) => (t + epsilon >= delta ? probabilityWithin(reference, t - delta) : 0));
  // The reference's interval half-width, widened by the distance between the two scorers.
  const q = Math.max(referenceOverall - reference.interval.low, reference.interval.high - referenceOverall) + delta;
  return {
    within,
    interval: { low: Math.max(0, overall - q), high: Math.min(10, overall + q), level: reference.interval.level },
    calibration: `${reference.calibration} (bound by agreement, δ ${delta})`,
    bin: reference.bin,
  };
}

/** Least-squares fit of |error| on the signals, with a small ridge penalty on standardised signals. */
export function fitDifficulty(signals: Record<string, number>[], errors: number[], names: readonly string[], lambda = 1): DifficultyModel {
  const n = errors.length;
  const means = names.map((k) => signals.reduce((s, r) => s + (r[k] ?? 0), 0) / n);
  const sds = names.map((k, j) => Math.sqrt(signals.reduce((s, r) => s + ((r[k] ?? 0) - means[j]!) ** 2, 0) / n) || 1);
  const z = signals.map((r) => names.map((k, j) => ((r[k] ?? 0) - means[j]!) / sds[j]!));
  const ey = errors.reduce((a, b) => a + b, 0) / n;
  const p = names.length;
  const a = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => z.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? lambda : 0)));
  const b = Array.from({ length: p }, (_, i) => z.reduce((s, r, row) => s + r[i]! * (errors[row]! - ey), 0));
  const w = solveLinear(a, b);
  const weights = Object.fromEntries(names.map((k, j) => [k, w[j]! / sds[j]!]));
  return { intercept: ey - names.reduce((s, k, j) => s + (w[j]! / sds[j]!) * means[j]!, 0), weights };
}

function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const div = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / div;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

/**
 * Fits a calibration from held-out errors: the difficulty model on the first part (every
 * `split`-th essay goes to it), bins by difficulty quantiles, and the bins' errors from the rest,
 * so the errors a bin reports never helped choose the bins (split conformal).
 */
export function fitCalibration(
  name: string,
  fittedOn: string,
  items: Array<{ signals: Record<string, number>; error: number }>,
  options: { signalNames: readonly string[]; bins: number; split?: number },
): ConformalCalibration {
  const split = options.split ?? 3;
  const proper = items.filter((_, i) => i % split === 0);
  const rest = items.filter((_, i) => i % split !== 0);
  const difficulty = fitDifficulty(proper.map((x) => x.signals), proper.map((x) => x.error), options.signalNames);
  const scored = rest.map((x) => ({ d: difficultyOf(difficulty, x.signals), error: x.error })).sort((a, b) => a.d - b.d);
  const edges: number[] = [];
  for (let b = 1; b < options.bins; b++) edges.push(scored[Math.floor((b * scored.length) / options.bins) - 1]!.d);
  const bins: number[][] = Array.from({ length: options.bins }, () => []);
  for (const x of scored) {
    let bin = edges.findIndex((edge) => x.d <= edge);
    if (bin < 0) bin = edges.length;
    bins[bin]!.push(x.error);
  }
  for (const bin of bins) bin.sort((a, b) => a - b);
  return { name, fittedOn, difficulty, edges, bins };
}
