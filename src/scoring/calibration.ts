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
import { predictLinear, type LinearModel } from './linear-model.ts';

/** A linear model of the absolute error on the signals (fitted by src/evaluation/calibration-fit.ts). */
export type DifficultyModel = LinearModel;

export interface ConformalCalibration {
  /** Which scorer and data this was fitted for (stored with every result it calibrates). */
  name: string;
  fittedOn: string;
  difficulty: DifficultyModel;
  /** Upper edges of the difficulty bins, ascending; the last bin is open-ended (edges.length + 1 bins). */
  edges: number[];
  /** Per bin, the calibration essays' absolute errors (VSTEP points), ascending. */
  bins: number[][];
  /** The scorer version (rubric and prompt) it was fitted for, when written by an evaluation run. */
  scorerVersion?: string;
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
  return predictLinear(model, signals, false);
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

/** The bin a difficulty falls in: the first whose upper edge it does not exceed, else the last. */
export function binOf(edges: readonly number[], d: number): number {
  const bin = edges.findIndex((edge) => d <= edge);
  return bin < 0 ? edges.length : bin;
}

export function uncertaintyOf(calibration: ConformalCalibration, overall: number, signals: Readonly<Record<string, number>>): Uncertainty {
  const bin = binOf(calibration.edges, difficultyOf(calibration.difficulty, signals));
  const errors = calibration.bins[bin] ?? [];
  const q = conformalQuantile(errors, intervalLevel);
  // Rounded down: a bound never rounds up past a threshold.
  const floor = (x: number) => Math.floor(x * 1000 + 1e-9) / 1000;
  return {
    within: tolerances.map((t) => floor(coverageAt(errors, t))),
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
