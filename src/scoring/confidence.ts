// One calibrated decision for every scorer: the outcome's own calibration when it has one (the
// offline scorer), a configured calibration of the LLM (fitted by `npm run eval -- --scorer llm
// --write-calibration`), or else the LLM bounded by its agreement with the offline second
// opinion (./calibration.ts, boundedByAgreement). The scoring activity and the evaluation harness
// both call it, so what the harness reports is what the workflow decides.
import { overallScore } from '../domain/scores.ts';
import type { Uncertainty } from '../domain/uncertainty.ts';
import { baseSignals, boundedByAgreement, uncertaintyOf, type ConformalCalibration } from './calibration.ts';
import type { ScoringOutcome } from './scorer.ts';

/** The offline scorer's view of the same essay, next to an LLM scoring. */
export interface SecondOpinion {
  overall: number;
  uncertainty?: Uncertainty;
}

/** The signals an LLM calibration reads: the common ones plus the distance to the offline overall. */
export function llmSignals(outcome: ScoringOutcome, overall: number, offline: SecondOpinion | undefined): Record<string, number> {
  const scores = Object.values(outcome.criteria).filter((c) => !c.estimated).map((c) => c.score);
  return {
    ...baseSignals(overall, scores, outcome.signals.wordCount, outcome.signals.wordMinimum),
    // No second opinion counts as far: the calibration learns what that costs.
    offlineDistance: offline ? Math.abs(overall - offline.overall) : 10,
  };
}

export const llmCalibrationSignalNames = ['lengthRatio', 'shortfall', 'traitSpread', 'extremity', 'boundaryDistance', 'offlineDistance'] as const;

export function calibratedUncertainty(outcome: ScoringOutcome, offline: SecondOpinion | undefined, calibration?: ConformalCalibration): Uncertainty | undefined {
  if (outcome.uncertainty) return outcome.uncertainty;
  const overall = overallScore(outcome.criteria);
  if (calibration) return uncertaintyOf(calibration, overall, llmSignals(outcome, overall, offline));
  if (offline?.uncertainty) return boundedByAgreement(offline.uncertainty, overall, offline.overall);
  return undefined;
}
