// Which responses a person must grade. Pure and deterministic: the workflow calls it directly.
import type { GradingMode } from './scores.ts';

export type ReviewPriority = 'low' | 'medium' | 'high';

export interface RoutingRules {
  /** Below this model confidence (0-1) a hybrid result goes to review. */
  minConfidence: number;
  /** Two independent scorings further apart than this (overall points) go to review. */
  disagreementMargin: number;
  /** Overall scores within this distance of a level boundary (4.0, 6.0, 8.5) go to review. */
  boundaryMargin: number;
  /** Below this recogniser confidence (0-1) a hybrid speaking result goes to review. */
  minTranscriptionConfidence: number;
  /** The LLM's overall further than this from the offline scorer's goes to review. */
  offlineDisagreementMargin: number;
}

export interface RoutingInput {
  mode: GradingMode;
  overall: number;
  confidence: number;
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

export function route(input: RoutingInput, rules: RoutingRules): RoutingDecision {
  if (input.mode === 'auto') {
    // Auto mode trusts the scorer, never a response that tries to steer it.
    const reasons = integrityFlags.filter((flag) => input.flags.includes(flag));
    return { needsReview: reasons.length > 0, reasons, priority: priorityFor(reasons) };
  }
  const reasons: string[] = [];
  if (input.mode === 'human') reasons.push('human_mode');
  for (const flag of flagReasons) if (input.flags.includes(flag)) reasons.push(flag);
  if (input.confidence < rules.minConfidence) reasons.push('low_confidence');
  if (input.transcriptionConfidence !== undefined && input.transcriptionConfidence < rules.minTranscriptionConfidence) {
    reasons.push('low_transcription_confidence');
  }
  if (input.secondOverall !== undefined && Math.abs(input.secondOverall - input.overall) > rules.disagreementMargin) {
    reasons.push('scorers_disagree');
  }
  if (input.offlineOverall !== undefined && Math.abs(input.offlineOverall - input.overall) > rules.offlineDisagreementMargin) {
    reasons.push('offline_scorer_disagrees');
  }
  if (nearBoundary(input.overall, rules.boundaryMargin)) reasons.push('near_level_boundary');
  return { needsReview: reasons.length > 0, reasons, priority: priorityFor(reasons) };
}
