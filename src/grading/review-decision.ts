// What makes a grader's decision acceptable: exactly the criteria of the submission's skill, each
// scored 0-10 in steps of 0.5, feedback within its length. Pure and zod-free, so the workflow's
// update validator runs it; the API's request schema and the OpenAPI document are built from the
// same rules (src/reviews/review.schemas.ts), and the API reports the validator's answer.
import { criteriaFor, isValidScore, type Skill } from '../domain/scores.ts';

/** Longest feedback, per criterion and overall (characters). */
export const reviewFeedbackLimits = { criterion: 2000, overall: 4000 } as const;

export interface DecisionScores {
  criteria: Record<string, { score: number; feedback?: string }>;
  feedback?: string;
}

const isText = (value: unknown, max: number) => typeof value === 'string' && value.length <= max;
// PostgreSQL text cannot hold NUL: refused here too, for decisions that do not come through the API.
const hasNul = (value: unknown) => typeof value === 'string' && value.includes('\u0000');

/** Everything wrong with the decision for a submission of `skill`, in words; empty when it is acceptable. */
export function decisionProblems(decision: DecisionScores, skill: Skill): string[] {
  const expected = [...criteriaFor[skill]].sort();
  const given = Object.keys(decision.criteria ?? {}).sort();
  const problems: string[] = [];
  if (expected.join() !== given.join()) problems.push(`criteria must be exactly: ${expected.join(', ')}`);
  for (const [name, c] of Object.entries(decision.criteria ?? {})) {
    if (!isValidScore(c?.score)) problems.push(`${name}: score must be 0-10 in steps of 0.5`);
    if (c?.feedback !== undefined && !isText(c.feedback, reviewFeedbackLimits.criterion)) problems.push(`${name}: feedback must be text up to ${reviewFeedbackLimits.criterion} characters`);
    if (hasNul(c?.feedback)) problems.push(`${name}: feedback must not contain NUL characters`);
  }
  if (decision.feedback !== undefined && !isText(decision.feedback, reviewFeedbackLimits.overall)) problems.push(`feedback must be text up to ${reviewFeedbackLimits.overall} characters`);
  if (hasNul(decision.feedback)) problems.push('feedback must not contain NUL characters');
  return problems;
}
