import { z } from 'zod';

export const reviewIdParams = z.object({ id: z.uuid('must be a UUID') });

export const reviewListQuery = z.object({
  status: z.enum(['open', 'claimed', 'completed']).optional(),
  priority: z.enum(['low', 'medium', 'high']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Shape only: whether the scores are acceptable is the workflow's validator's call. */
export const completeReviewSchema = z.strictObject({
  criteria: z.record(z.string().max(64), z.strictObject({ score: z.number(), feedback: z.string().max(2000).optional() })),
  feedback: z.string().max(4000).optional(),
});
