// What makes a grader's decision acceptable: exactly the criteria of the submission's skill, each
// scored 0-10 in steps of 0.5, feedback within its length. Pure and zod-free: the workflow's
// update validator runs it, and so does the API before it delivers a decision; the request
// schema and the OpenAPI document are built from the same limits (src/reviews/review.schemas.ts).
import { criteriaFor, isValidScore, type Skill } from '../domain/scores.ts';

/** Longest feedback, per criterion and overall (characters). */
export const reviewFeedbackLimits = { criterion: 2000, overall: 4000 } as const;

export interface DecisionScores {
  criteria: Record<string, { score: number; feedback?: string }>;
  feedback?: string;
}

const isText = (value: unknown, max: number) => typeof value === 'string' && value.length <= max && !value.includes('\u0000');

/** Everything wrong with the decision for a submission of `skill`, in words; empty when it is acceptable. */
export function decisionProblems(decision: DecisionScores, skill: Skill): string[] {
  const expected = [...criteriaFor[skill]].sort();
  const given = Object.keys(decision.criteria ?? {}).sort();
  const problems: string[] = [];
  if (expected.join() !== given.join()) problems.push(`criteria must be exactly: ${expected.join(', ')}`);
  for (const [name, c] of Object.entries(decision.criteria ?? {})) {
    if (!isValidScore(c?.score)) problems.push(`${name}: score must be 0-10 in steps of 0.5`);
    if (c?.feedback !== undefined && !isText(c.feedback, reviewFeedbackLimits.criterion)) {
      problems.push(`${name}: feedback must be text up to ${reviewFeedbackLimits.criterion} characters, without NUL`);
    }
  }
  if (decision.feedback !== undefined && !isText(decision.feedback, reviewFeedbackLimits.overall)) {
    problems.push(`feedback must be text up to ${reviewFeedbackLimits.overall} characters, without NUL`);
  }
  return problems;
}
