import { z } from 'zod';
import { criteriaFor, gradingModes, skills } from '../domain/scores.ts';
import { reviewFeedbackLimits } from '../grading/review-decision.ts';
import { noNulCharacters } from '../lib/http/validate.ts';
import { instantSchema, reviewKindSchema, reviewPrioritySchema, reviewStatusSchema, taskSchema } from '../submissions/submission.schemas.ts';

export const reviewIdParams = z.object({ id: z.uuid('must be a UUID') });

export const reviewListQuery = z.object({
  status: z.enum(['open', 'claimed', 'completed']).optional(),
  priority: reviewPrioritySchema.optional(),
  skill: z.enum(skills).optional().describe('Only reviews of this skill; the counts per priority are then of this skill too.'),
  kind: reviewKindSchema.optional().describe('Only this marking (first, second, adjudication, appeal); the counts follow it too.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type ReviewListQuery = z.output<typeof reviewListQuery>;

/** Feedback is stored as PostgreSQL text, which cannot hold NUL: refused before the workflow sees it. */
const feedback = (max: number) => z.string().max(max).regex(noNulCharacters, 'must not contain NUL characters');
const criterionDecision = z.strictObject({ score: z.number(), feedback: feedback(reviewFeedbackLimits.criterion).optional() });

/**
 * A grader's decision as the route reads it: its shape. Which criteria it must name and the
 * score grid depend on the submission's skill, so src/grading/review-decision.ts checks those
 * once the review is known, and the workflow's validator checks them again.
 */
export const reviewDecisionSchema = z.strictObject({
  criteria: z.record(z.string().max(64), criterionDecision),
  feedback: feedback(reviewFeedbackLimits.overall).optional(),
});

/** The same decision as documented: exactly one skill's criteria, each scored 0-10 in steps of 0.5. */
const scoredCriterion = criterionDecision.extend({ score: z.number().min(0).max(10).multipleOf(0.5) }).meta({ id: 'CriterionDecision' });
export const documentedReviewDecision = reviewDecisionSchema.extend({
  criteria: z.union(skills.map((skill) => z.strictObject(Object.fromEntries(criteriaFor[skill].map((name) => [name, scoredCriterion]))))),
}).meta({ id: 'ReviewDecision', description: "A grader's final scores: exactly the criteria of the submission's skill." });

const instant = instantSchema;

export const reviewSchema = z
  .strictObject({
    id: z.uuid(),
    submissionId: z.uuid(),
    kind: reviewKindSchema,
    priority: reviewPrioritySchema,
    status: reviewStatusSchema,
    reasons: z.array(z.string()),
    note: z.string().nullable(),
    dueAt: instant,
    claimedBy: z.uuid().nullable(),
    leaseExpiresAt: instant.nullable(),
    completedAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'Review' });

export const reviewQueueItemSchema = reviewSchema
  .extend({
    skill: z.enum(skills),
    task: taskSchema,
    mode: z.enum(gradingModes),
    wordCount: z.number().int().nullable().describe("The essay's length; null for speaking."),
  })
  .meta({ id: 'ReviewQueueItem', description: "A review with its submission's skill, task, mode and length." });

export const reviewQueueSchema = z
  .strictObject({
    items: z.array(reviewQueueItemSchema),
    counts: z.strictObject({ low: z.number().int(), medium: z.number().int(), high: z.number().int() }).describe('Per priority, following the status and skill filters.'),
  })
  .meta({ id: 'ReviewQueue' });

export type ReviewView = z.input<typeof reviewSchema>;
export type ReviewQueueItemView = z.input<typeof reviewQueueItemSchema>;
