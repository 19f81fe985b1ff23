import { z } from 'zod';
import { noNulCharacters } from '../lib/http/validate.ts';
import { reviewDecisionSchema, documentedReviewDecision } from '../reviews/review.schemas.ts';

const reasonText = (what: string) => z.string().trim().min(1, `${what} is required`).max(2000).regex(noNulCharacters, 'must not contain NUL characters');

/** A senior's or admin's new result: the criterion scores (checked against the skill like a review decision), and why. */
export const overrideSchema = reviewDecisionSchema.extend({ reason: reasonText('a reason') });
export const documentedOverride = documentedReviewDecision
  .extend({ reason: reasonText('a reason').describe('Why the result changes; kept with the new version and in the audit trail.') })
  .meta({ id: 'ResultOverride', description: "A new version of a completed result: exactly the criteria of the submission's skill, and a reason." });

export type OverrideBody = z.output<typeof overrideSchema>;

export const appealBodySchema = z.strictObject({ reason: reasonText('a reason').describe('What the student thinks was marked wrongly.') }).meta({ id: 'NewAppeal' });
