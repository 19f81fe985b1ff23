import { z } from 'zod';
import { gradingModes, skills, speakingTasks, writingTasks } from '../domain/scores.ts';
import { submissionStatuses } from '../domain/lifecycle.ts';
import { someText } from '../lib/http/validate.ts';

/** Largest essay accepted: far above any VSTEP task, small enough to score quickly. */
export const maxEssayCharacters = 20_000;

export const createWritingSubmissionSchema = z.strictObject({
  skill: z.literal('writing', { error: 'must be "writing" in a JSON body; speaking answers are sent as multipart/form-data with an audio file' }),
  task: z.enum(writingTasks),
  prompt: someText(4000),
  text: someText(maxEssayCharacters),
  mode: z.enum(gradingModes).optional(),
  attemptId: z.uuid().optional(),
});

export type CreateWritingSubmission = z.infer<typeof createWritingSubmissionSchema>;

/** The text fields of a multipart speaking submission (the file itself is the `audio` part). */
export const createSpeakingSubmissionSchema = z.strictObject({
  skill: z.literal('speaking', { error: 'must be "speaking" in a multipart body; writing tasks are sent as JSON' }),
  task: z.enum(speakingTasks),
  prompt: someText(4000),
  mode: z.enum(gradingModes).optional(),
  attemptId: z.uuid().optional(),
});

export type CreateSpeakingSubmission = z.infer<typeof createSpeakingSubmissionSchema>;

export const submissionIdParams = z.object({ id: z.uuid('must be a UUID') });

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).transform((s) => new Date(s));

/**
 * Pagination cursor: the (createdAt, id) of the last item returned, as epoch milliseconds and the
 * UUID. Clients pass nextCursor back unchanged; any value of this shape is a position in the
 * newest-first order, so every one the pattern admits is a cursor the API can page from.
 */
const cursorPattern = /^[0-9]{13}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const cursorCodec = {
  encode: (item: { createdAt: Date; id: string }) => `${String(item.createdAt.getTime()).padStart(13, '0')}_${item.id.toLowerCase()}`,
  decode(cursor: string): { createdAt: Date; id: string } | null {
    if (!cursorPattern.test(cursor)) return null;
    const [millis, id] = cursor.split('_') as [string, string];
    return { createdAt: new Date(Number(millis)), id };
  },
};

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().regex(cursorPattern, 'is not a cursor this API issued').optional(),
    status: z.enum(submissionStatuses).optional(),
    skill: z.enum(skills).optional(),
    task: z.enum([...writingTasks, ...speakingTasks]).optional(),
    attemptId: z.uuid('must be a UUID').optional(),
    studentId: z.uuid('must be a UUID').optional(),
    from: instant.optional().describe('Created at or after this instant; must be before `to`.'),
    to: instant.optional().describe('Created before this instant.'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export type ListQuery = z.output<typeof listQuery>;

export const waitQuery = z.object({
  /** Longest wait in seconds. */
  timeout: z.coerce.number().int().min(0).max(60).default(30),
  /** Answer once the status is no longer this one; by default, once the grading is settled. */
  status: z.enum(submissionStatuses).optional(),
});
