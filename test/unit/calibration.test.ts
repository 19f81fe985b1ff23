// The conformal calibration behind every AI result's confidence (src/scoring/calibration.ts):
// the estimates it reports, the interval, the agreement bound for an LLM, and the split fit.
import { describe, expect, it } from 'vitest';
import { confidenceOf, probabilityWithin } from '../../src/domain/uncertainty.ts';
import { fitCalibration } from '../../src/evaluation/calibration-fit.ts';
import { boundedByAgreement, conformalQuantile, coverageAt, rateLowerBound, uncertaintyOf, type ConformalCalibration } from '../../src/scoring/calibration.ts';

const noDifficulty = { intercept: 0, lambda: 1, stretch: 1, weights: {} };
const oneBin = (errors: number[]): ConformalCalibration => ({ name: 'test', fittedOn: 'test', difficulty: noDifficulty, edges: [], bins: [errors] });

describe('conformal estimates', () => {
  it('when k of n held-out errors are within a tolerance, then P(within) is the one-sided 90% Clopper–Pearson lower bound on k/n', () => {
    // All n within: the bound solves p^n = 0.1.
    expect(rateLowerBound(19, 19)).toBeCloseTo(0.1 ** (1 / 19), 9);
    expect(rateLowerBound(0, 19)).toBe(0);
    // Half of 100: about 0.5 − 1.28 × 0.05, a little lower (the exact bound is conservative).
    expect(rateLowerBound(50, 100)).toBeGreaterThan(0.42);
    expect(rateLowerBound(50, 100)).toBeLessThan(0.436);
    const errors = [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 1.5, 1.5, 1.5, 1.5, 2, 2, 2, 2.5, 3, 4];
    expect(coverageAt(errors, 0.5)).toBe(rateLowerBound(6, 19));
    expect(coverageAt(errors, 1)).toBe(rateLowerBound(9, 19));
    expect(coverageAt(errors, 10)).toBe(rateLowerBound(19, 19));
    expect(coverageAt(errors, 1)).toBeLessThan(9 / 19);
    // The 90% interval's half-width is the ⌈20 × 0.9⌉ = 18th smallest error.
    expect(conformalQuantile(errors, 0.9)).toBe(3);
    // With fewer than 9 errors no finite half-width can promise 90%.
    expect(conformalQuantile(errors.slice(0, 8), 0.9)).toBe(Infinity);
  });

  it('when an essay falls in a bin, then its probabilities and interval come from that bin, clamped to the scale', () => {
    const u = uncertaintyOf(oneBin([0, 0.5, 0.5, 1, 1, 1, 1, 1, 1.5, 2]), 9.5, {});
    expect(u.within).toEqual([0.01, 0.115, 0.55, 0.663, 0.794]);
    expect(confidenceOf(u)).toBe(0.55);
    expect(probabilityWithin(u, 0.75)).toBe(0.115);
    expect(u.interval).toEqual({ low: 7.5, high: 10, level: 0.9 });
    expect(confidenceOf(undefined)).toBe(0);
  });

  it('when the difficulty score is higher than a bin edge, then the essay falls in the next bin', () => {
    const calibration: ConformalCalibration = { ...oneBin([]), difficulty: { ...noDifficulty, weights: { x: { mean: 0, sd: 1, weight: 1 } } }, edges: [0.5], bins: [[0, 0, 0], [2, 2, 2]] };
    expect(uncertaintyOf(calibration, 6, { x: 0.2 })).toMatchObject({ bin: 0, within: [0.464, 0.464, 0.464, 0.464, 0.464] });
    expect(uncertaintyOf(calibration, 6, { x: 0.9 })).toMatchObject({ bin: 1, within: [0, 0, 0, 0, 0.464] });
  });
});

describe('an uncalibrated LLM bounded by the offline scorer', () => {
  const offline = uncertaintyOf(oneBin([0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 1.5, 2]), 6, {});

  it('when the two agree exactly, then the LLM gets the offline probabilities', () => {
    expect(boundedByAgreement(offline, 6, 6).within).toEqual(offline.within);
  });

  it('when they are 0.5 apart, then P(LLM within 1.0) is the offline P(within 0.5), and nothing is promised at 0', () => {
    const bound = boundedByAgreement(offline, 6.5, 6);
    expect(bound.within[2]).toBe(offline.within[1]);
    expect(bound.within[0]).toBe(0);
    expect(bound.interval.low).toBeLessThanOrEqual(6);
  });

  it('when they are more than 2 apart, then every probability is 0', () => {
    expect(boundedByAgreement(offline, 9, 6).within).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('fitting a calibration', () => {
  it('when errors grow with a signal, then the bins are ordered by it and each holds errors the difficulty model never saw', () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ signals: { hard: i % 2 }, error: i % 2 ? 2 : 0.5 }));
    const calibration = fitCalibration('test', 'synthetic', items, { signalNames: ['hard'], bins: 2 });
    expect(calibration.difficulty.weights.hard!.weight).toBeGreaterThan(0.5);
    // A third fits the difficulty model, the other 80 fill the bins.
    expect(calibration.bins.flat()).toHaveLength(80);
    // 40 of 40 within: the 90% lower bound is 0.1^(1/40).
    expect(uncertaintyOf(calibration, 6, { hard: 0 }).within[2]).toBeCloseTo(0.1 ** (1 / 40), 3);
    expect(uncertaintyOf(calibration, 6, { hard: 1 }).within[2]).toBe(0);
  });
});
