import { z } from 'zod';
import { skills, speakingCriteria, writingCriteria } from '../domain/scores.ts';
import { noNulCharacters } from '../lib/http/validate.ts';

export const reviewIdParams = z.object({ id: z.uuid('must be a UUID') });

export const reviewListQuery = z.object({
  status: z.enum(['open', 'claimed', 'completed']).optional(),
  priority: z.enum(['low', 'medium', 'high']).optional(),
  skill: z.enum(skills).optional().describe('Only reviews of this skill; the counts per priority are then of this skill too.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type ReviewListQuery = z.output<typeof reviewListQuery>;

/** Feedback is stored as PostgreSQL text, which cannot hold NUL: refused before the workflow accepts it. */
const feedback = (max: number) => z.string().max(max).regex(noNulCharacters, 'must not contain NUL characters');

/** Shape only: whether the scores are acceptable is the workflow's validator's call. */
export const completeReviewSchema = z.strictObject({
  criteria: z.record(z.string().max(64), z.strictObject({ score: z.number(), feedback: feedback(2000).optional() })),
  feedback: feedback(4000).optional(),
});

/**
 * What the workflow's validator accepts, for the OpenAPI document: exactly one skill's criteria
 * (which one depends on the submission), each scored 0-10 in steps of 0.5. The route checks the
 * shape above and leaves the rest to the validator, whose answer names what is wrong.
 */
const criterionDecision = z.strictObject({ score: z.number().min(0).max(10).multipleOf(0.5), feedback: feedback(2000).optional() }).meta({ id: 'CriterionDecision' });
const scoredCriteria = (names: readonly string[]) => z.strictObject(Object.fromEntries(names.map((name) => [name, criterionDecision])));
export const reviewDecisionContract = z.strictObject({
  criteria: z.union([scoredCriteria(writingCriteria), scoredCriteria(speakingCriteria)]),
  feedback: feedback(4000).optional(),
});
