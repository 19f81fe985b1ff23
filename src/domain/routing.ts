// Which responses a person must grade. Pure and deterministic: the workflow calls it directly.
// Hybrid mode finalises an AI result only where its calibrated probability of being within ±1.0
// of a trained human's overall reaches GRADING_AUTO_ACCEPT_PROBABILITY (docs/scoring.md,
// "Routing with a stated guarantee"); `legacyRoute` is the rule workflows started before it keep.
import type { GradingMode } from './scores.ts';
import { guaranteeTolerance, probabilityWithin, type Uncertainty } from './uncertainty.ts';

export type ReviewPriority = 'low' | 'medium' | 'high';

export interface RoutingRules {
  /**
   * Hybrid: the calibrated probability that the overall is within ±1.0 of a human's must reach
   * this for the result to be final (near a level boundary, within ±boundaryMargin).
   */
  autoAcceptProbability?: number;
  /** Legacy rule (workflows started before calibrated routing): below this confidence, review. */
  minConfidence?: number;
  /** Two independent scorings further apart than this (overall points) go to review. */
  disagreementMargin: number;
  /**
   * Near a level boundary (4.0, 6.0, 8.5): scores within this distance must be within this
   * distance of a human's with the accept probability (legacy rule: they always go to review).
   */
  boundaryMargin: number;
  /** Below this recogniser confidence (0-1) a hybrid speaking result goes to review. */
  minTranscriptionConfidence: number;
  /** Legacy rule: the LLM's overall further than this from the offline scorer's goes to review. */
  offlineDisagreementMargin?: number;
}

export interface RoutingInput {
  mode: GradingMode;
  overall: number;
  /** Legacy rule: the scorer's own confidence, 0-1. */
  confidence: number;
  /** The calibrated error estimate (absent: the scorer is not calibrated, so nothing is final in hybrid). */
  uncertainty?: Pick<Uncertainty, 'within'>;
  flags: readonly string[];
  /** Overall of an independent second scoring, when one was made. */
  secondOverall?: number;
  /** Recogniser confidence of a speaking answer's transcript. */
  transcriptionConfidence?: number;
  /** Overall of the offline scorer, computed next to an LLM scoring of an essay. */
  offlineOverall?: number;
}

export interface RoutingDecision {
  needsReview: boolean;
  reasons: string[];
  priority: ReviewPriority;
}

/** Lowest score of each level: B1 from 4.0, B2 from 6.0, C1 from 8.5. */
export const levelBoundaries = [4, 6, 8.5] as const;

const highPriorityReasons = new Set(['prompt_injection', 'scoring_failed', 'sla_breached', 'unusable_audio', 'transcription_failed']);
const flagReasons = ['prompt_injection', 'off_task', 'possibly_off_task', 'far_below_word_minimum'];

export function nearBoundary(overall: number, margin: number): boolean {
  // A boundary b is "next to" scores in [b - margin, b + margin - 0.5]: the last score below it
  // and the first score at or above it, for the default margin of 0.5.
  return levelBoundaries.some((b) => overall >= b - margin && overall < b + margin);
}

export function priorityFor(reasons: readonly string[]): ReviewPriority {
  if (reasons.some((r) => highPriorityReasons.has(r))) return 'high';
  return reasons.length > 1 || reasons.some((r) => r !== 'human_mode') ? 'medium' : 'low';
}

/** Flags no mode may finalise without a person: a response that tries to instruct the grader. */
const integrityFlags = ['prompt_injection'];

/** The default of GRADING_AUTO_ACCEPT_PROBABILITY. */
export const defaultAutoAcceptProbability = 0.95;

/** Reasons every mode shares: the integrity flags in auto mode, everything but the scores otherwise. */
function commonReasons(input: RoutingInput, rules: RoutingRules): string[] {
  // Auto mode trusts the scorer, never a response that tries to steer it.
  if (input.mode === 'auto') return integrityFlags.filter((flag) => input.flags.includes(flag));
  const reasons: string[] = [];
  if (input.mode === 'human') reasons.push('human_mode');
  for (const flag of flagReasons) if (input.flags.includes(flag)) reasons.push(flag);
  if (input.transcriptionConfidence !== undefined && input.transcriptionConfidence < rules.minTranscriptionConfidence) {
    reasons.push('low_transcription_confidence');
  }
  if (input.secondOverall !== undefined && Math.abs(input.secondOverall - input.overall) > rules.disagreementMargin) {
    reasons.push('scorers_disagree');
  }
  return reasons;
}

const decided = (reasons: string[]): RoutingDecision => ({ needsReview: reasons.length > 0, reasons, priority: priorityFor(reasons) });

/**
 * Hybrid: final only when the calibrated probability of being within ±1.0 of a human reaches
 * the accept probability; near a level boundary the same probability is asked for at the
 * tighter tolerance ±boundaryMargin, so a narrow interval there can still be final.
 */
export function route(input: RoutingInput, rules: RoutingRules): RoutingDecision {
  const reasons = commonReasons(input, rules);
  if (input.mode === 'auto') return decided(reasons);
  const threshold = rules.autoAcceptProbability ?? defaultAutoAcceptProbability;
  if (!input.uncertainty) reasons.push('uncalibrated');
  else if (probabilityWithin(input.uncertainty, guaranteeTolerance) < threshold) reasons.push('low_confidence');
  else if (nearBoundary(input.overall, rules.boundaryMargin) && probabilityWithin(input.uncertainty, rules.boundaryMargin) < threshold) {
    reasons.push('near_level_boundary');
  }
  return decided(reasons);
}

/** The rule before calibrated routing: the scorer's own confidence, a fixed offline margin, every boundary score reviewed. */
export function legacyRoute(input: RoutingInput, rules: RoutingRules): RoutingDecision {
  if (input.mode === 'auto') return decided(integrityFlags.filter((flag) => input.flags.includes(flag)));
  const reasons: string[] = [];
  if (input.mode === 'human') reasons.push('human_mode');
  for (const flag of flagReasons) if (input.flags.includes(flag)) reasons.push(flag);
  if (input.confidence < (rules.minConfidence ?? 0.6)) reasons.push('low_confidence');
  if (input.transcriptionConfidence !== undefined && input.transcriptionConfidence < rules.minTranscriptionConfidence) {
    reasons.push('low_transcription_confidence');
  }
  if (input.secondOverall !== undefined && Math.abs(input.secondOverall - input.overall) > rules.disagreementMargin) {
    reasons.push('scorers_disagree');
  }
  if (input.offlineOverall !== undefined && Math.abs(input.offlineOverall - input.overall) > (rules.offlineDisagreementMargin ?? 2)) {
    reasons.push('offline_scorer_disagrees');
  }
  if (nearBoundary(input.overall, rules.boundaryMargin)) reasons.push('near_level_boundary');
  return decided(reasons);
}
