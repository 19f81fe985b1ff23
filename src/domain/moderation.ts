// Double marking: which submissions get a blind second mark, and what two marks make. Pure and
// deterministic: the workflow decides with it, the API draws with it, anyone can recompute both.
import { criteriaFor, levelFor, overallScore, weightedHalfPointMean, type Skill } from './scores.ts';

/** A human mark's criterion scores. */
export type MarkScores = Readonly<Record<string, { score: number; feedback?: string }>>;

/**
 * The submission's draw in [0, 1): FNV-1a of its id over 2^32. A submission is second-marked
 * when its draw is below the task's secondMarkingRate, so the choice is fixed by the id and the
 * rate alone (rate 1: every one; 0: none) and spread evenly over submissions.
 */
export function secondMarkingDraw(submissionId: string): number {
  let hash = 0x811c9dc5;
  for (const char of submissionId.toLowerCase()) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

export const drawnForSecondMarking = (submissionId: string, rate: number) => rate > 0 && secondMarkingDraw(submissionId) < rate;

export type Moderation =
  | { adjudicate: false; criteria: Record<string, { score: number; feedback?: string }>; overall: number }
  | { adjudicate: true; reasons: string[] };

/**
 * What two independent marks make: adjudication when their overalls differ by more than
 * `threshold` or their levels differ; otherwise the criterion-wise mean of the two, each
 * rounded to the 0.5 grid as every score is (ties up), the overall computed from those.
 * Criterion feedback is both markers' (the first's, then the second's).
 */
export function moderate(skill: Skill, first: MarkScores, second: MarkScores, threshold: number): Moderation {
  const a = overallScore(first);
  const b = overallScore(second);
  const reasons = [
    ...(Math.abs(a - b) > threshold ? ['marks_disagree'] : []),
    ...(levelFor(a) !== levelFor(b) ? ['levels_differ'] : []),
  ];
  if (reasons.length) return { adjudicate: true, reasons };
  const criteria = Object.fromEntries(
    criteriaFor[skill].map((name) => {
      const feedback = joinFeedback(first[name]?.feedback, second[name]?.feedback);
      return [name, { score: weightedHalfPointMean([{ score: first[name]!.score }, { score: second[name]!.score }]), ...(feedback ? { feedback } : {}) }];
    }),
  );
  return { adjudicate: false, criteria, overall: overallScore(criteria) };
}

// What a blind second marker may be told about why the response is being marked: not the
// routing reasons that hint at the AI's scores (low confidence, near a level boundary ...).
const reasonsBeyondScores = new Set(['second_marking', 'marks_disagree', 'levels_differ', 'appeal', 'review_overdue', 'human_mode', 'prompt_injection', 'off_task', 'possibly_off_task', 'far_below_word_minimum', 'scoring_failed', 'unusable_audio', 'transcription_failed', 'low_transcription_confidence', 'sla_breached']);

export const blindReasons = (reasons: readonly string[]) => reasons.filter((r) => reasonsBeyondScores.has(r));

/** Two markers' comments as one, without blanks or repeats. */
export function joinFeedback(...parts: Array<string | undefined>): string {
  return [...new Set(parts.map((p) => p?.trim()).filter((p): p is string => !!p))].join('\n\n');
}

/** Two scores of a criterion this far apart (points) or more are said to differ. */
export const disagreementGap = 1;

/** How far apart two marks are on a criterion; NaN when one does not score it. */
export const criterionGap = (first: MarkScores, second: MarkScores, name: string) => Math.abs((first[name]?.score ?? NaN) - (second[name]?.score ?? NaN));

/** Criteria whose two scores differ (by `disagreementGap` or more): what an adjudicator's screen highlights. */
export function disagreeingCriteria(first: MarkScores, second: MarkScores): string[] {
  return Object.keys(first).filter((name) => criterionGap(first, second, name) >= disagreementGap);
}
