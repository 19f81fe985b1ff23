import { z } from 'zod';
import { gradingModes, levels, skills, speakingTasks, tasks, writingTasks } from '../domain/scores.ts';
import { submissionStatuses } from '../domain/lifecycle.ts';
import { someText } from '../lib/http/validate.ts';
import { audioFormats } from '../speech/audio-format.ts';

export const taskSchema = z.enum(tasks);

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
    task: taskSchema.optional(),
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

// What the API answers. Every field is declared: a presenter that adds or drops one fails the
// type check, and the tests' response validation catches a value that breaks its schema.
export const instantSchema = z.iso.datetime();
const instantOut = instantSchema;
export const levelSchema = z.enum(levels).nullable().describe('Null below 4.0.');
export const reviewPrioritySchema = z.enum(['low', 'medium', 'high']);
export const reviewStatusSchema = z.enum(['open', 'claimed', 'completed', 'cancelled']);

const criterionResult = z.strictObject({
  score: z.number(),
  /** Quotes from the response that justify the score. */
  evidence: z.array(z.string()),
  feedback: z.string().nullable(),
  estimated: z.literal(true).optional().describe('Present when the score is estimated from indirect evidence (pronunciation from a transcript).'),
});

export const resultSchema = z
  .strictObject({
    overall: z.number(),
    level: levelSchema,
    criteria: z.record(z.string(), criterionResult),
    feedback: z.string(),
    source: z.enum(['ai', 'human']),
    provider: z.string(),
    model: z.string().nullable(),
    scorerVersion: z.string(),
    confidence: z.number().nullable().describe("The scorer's confidence, 0-1; null for a person's result."),
    routing: z
      .strictObject({ needsReview: z.boolean(), reasons: z.array(z.string()), flags: z.array(z.string()) })
      .nullable()
      .describe('What hybrid routing decided about an AI result, and why; null for a person\'s result.'),
    gradedAt: instantOut,
  })
  .meta({ id: 'Result' });

export const transcriptSchema = z
  .strictObject({
    text: z.string(),
    confidence: z.number(),
    provider: z.string(),
    model: z.string().nullable(),
    fluency: z.strictObject({
      durationSeconds: z.number().nullable(),
      wordCount: z.number().int(),
      wordsPerMinute: z.number().nullable(),
      speechSeconds: z.number().nullable(),
      articulationRate: z.number().nullable(),
      pauseCount: z.number().int().nullable(),
      longPauseCount: z.number().int().nullable(),
      meanPauseSeconds: z.number().nullable(),
      longestPauseSeconds: z.number().nullable(),
      meanRunWords: z.number().nullable(),
    }),
    createdAt: instantOut,
  })
  .meta({ id: 'Transcript' });

const reviewSummary = z.strictObject({
  id: z.uuid(),
  priority: reviewPrioritySchema,
  status: reviewStatusSchema,
  reasons: z.array(z.string()),
  note: z.string().nullable(),
  dueAt: instantOut,
  claimedBy: z.uuid().nullable().optional().describe('Staff only: the grader holding the claim.'),
  leaseExpiresAt: instantOut.nullable().optional().describe('Staff only: when that claim lapses.'),
});

export const submissionSchema = z
  .strictObject({
    id: z.uuid(),
    skill: z.enum(skills),
    task: taskSchema,
    mode: z.enum(gradingModes),
    status: z.enum(submissionStatuses),
    createdAt: instantOut,
    updatedAt: instantOut,
    deadlineAt: instantOut,
    slaBreached: z.boolean(),
    workflowId: z.string(),
    wordCount: z.number().int().nullable().describe("The essay's words, or the transcript's once transcribed."),
    failureReason: z.string().nullable(),
    audio: z
      .strictObject({ format: z.enum(audioFormats), bytes: z.number().int().nullable(), durationSeconds: z.number().nullable(), url: z.string() })
      .nullable()
      .optional()
      .describe('Speaking only: the stored recording.'),
    transcript: transcriptSchema.nullable().optional().describe('Speaking only: what the recogniser heard, once it has.'),
    result: resultSchema.nullable().describe('The final result.'),
    aiDraft: resultSchema.nullable().optional().describe('Staff only: the AI result that went to review instead of being final.'),
    review: reviewSummary.nullable(),
    links: z.strictObject({ self: z.string() }),
  })
  .meta({ id: 'Submission' });

export const submissionDetailSchema = submissionSchema
  .extend({ prompt: z.string(), text: z.string().optional().describe('The essay (writing only).') })
  .meta({ id: 'SubmissionDetail', description: 'A submission with its prompt and, for writing, its essay (lists leave both out).' });

export const submissionPageSchema = z.strictObject({ items: z.array(submissionSchema), nextCursor: z.string().nullable() }).meta({ id: 'SubmissionPage' });

export type SubmissionView = z.input<typeof submissionSchema>;
export type SubmissionDetailView = z.input<typeof submissionDetailSchema>;
export type ResultView = z.input<typeof resultSchema>;
