import { z } from 'zod';
import { gradingModes, skills, speakingTasks, writingTasks } from '../domain/scores.ts';
import { submissionStatuses } from '../domain/lifecycle.ts';

/** Largest essay accepted: far above any VSTEP task, small enough to score quickly. */
export const maxEssayCharacters = 20_000;

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const createWritingSubmissionSchema = z.strictObject({
  skill: z.literal('writing', { error: 'must be "writing" in a JSON body; speaking answers are sent as multipart/form-data with an audio file' }),
  task: z.enum(writingTasks),
  prompt: text(4000),
  text: text(maxEssayCharacters),
  mode: z.enum(gradingModes).optional(),
  attemptId: z.uuid().optional(),
});

export type CreateWritingSubmission = z.infer<typeof createWritingSubmissionSchema>;

/** The text fields of a multipart speaking submission (the file itself is the `audio` part). */
export const createSpeakingSubmissionSchema = z.strictObject({
  skill: z.literal('speaking', { error: 'must be "speaking" in a multipart body; writing tasks are sent as JSON' }),
  task: z.enum(speakingTasks),
  prompt: text(4000),
  mode: z.enum(gradingModes).optional(),
  attemptId: z.uuid().optional(),
});

export type CreateSpeakingSubmission = z.infer<typeof createSpeakingSubmissionSchema>;

export const submissionIdParams = z.object({ id: z.uuid('must be a UUID') });

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).transform((s) => new Date(s));

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    status: z.enum(submissionStatuses).optional(),
    skill: z.enum(skills).optional(),
    task: z.enum([...writingTasks, ...speakingTasks]).optional(),
    attemptId: z.uuid('must be a UUID').optional(),
    studentId: z.uuid('must be a UUID').optional(),
    /** Created at or after. */
    from: instant.optional(),
    /** Created before. */
    to: instant.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export type ListQuery = z.output<typeof listQuery>;

export const waitQuery = z.object({
  /** Longest wait in seconds. */
  timeout: z.coerce.number().int().min(0).max(60).default(30),
  /** Answer once the status is no longer this one; by default, once the grading is settled. */
  status: z.enum(submissionStatuses).optional(),
});

/** Opaque pagination cursor: the (createdAt, id) of the last item returned. */
export const cursorCodec = {
  encode: (item: { createdAt: Date; id: string }) =>
    Buffer.from(JSON.stringify([item.createdAt.toISOString(), item.id])).toString('base64url'),
  decode(cursor: string): { createdAt: Date; id: string } | null {
    try {
      const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
      const date = new Date(createdAt);
      return Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success ? null : { createdAt: date, id };
    } catch {
      return null;
    }
  },
};
