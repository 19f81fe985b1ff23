// What a calibrated scorer says about its own error: the probability that its overall is within a
// tolerance of a trained human's, and an interval (src/scoring/calibration.ts fits and computes
// them; docs/scoring.md, "Calibrated confidence", says what they mean and where they hold).

/** The error tolerances (VSTEP points) at which `within` is reported. */
export const tolerances = [0, 0.5, 1, 1.5, 2] as const;

/** The tolerance of the platform's guarantee: an auto-finalised overall is within ±1.0 of a human's. */
export const guaranteeTolerance = 1;

export interface Uncertainty {
  /** P(|overall − human| ≤ tolerance), a conformal lower estimate, for each of `tolerances`. */
  within: number[];
  /** Covers a human's overall with probability ≥ level (clamped to 0-10). */
  interval: { low: number; high: number; level: number };
  /** The calibration's name (and how it was applied). */
  calibration: string;
  /** The calibration bin the answer fell in. */
  bin: number;
}

const epsilon = 1e-9;

/** P(|error| ≤ tolerance) from `within`, at the largest reported tolerance not above it (0 below all). */
export function probabilityWithin(u: Pick<Uncertainty, 'within'>, tolerance: number): number {
  let p = 0;
  tolerances.forEach((t, i) => {
    if (t <= tolerance + epsilon) p = u.within[i] ?? 0;
  });
  return p;
}

/** The calibrated confidence stored with a result: P(within ±1.0 of a human), 0 when uncalibrated. */
export function confidenceOf(u: Pick<Uncertainty, 'within'> | undefined): number {
  return u ? probabilityWithin(u, guaranteeTolerance) : 0;
}
