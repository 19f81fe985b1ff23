import { z } from 'zod';
import { gradingModes, writingTasks } from '../domain/scores.ts';

/** Largest essay accepted: far above any VSTEP task, small enough to score quickly. */
export const maxEssayCharacters = 20_000;

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const createWritingSubmissionSchema = z.strictObject({
  skill: z.literal('writing'),
  task: z.enum(writingTasks),
  prompt: text(4000),
  text: text(maxEssayCharacters),
  mode: z.enum(gradingModes).optional(),
  attemptId: z.uuid().optional(),
});

export type CreateWritingSubmission = z.infer<typeof createWritingSubmissionSchema>;

export const submissionIdParams = z.object({ id: z.uuid('must be a UUID') });
