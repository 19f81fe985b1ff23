import { z } from 'zod';
import { gradingModes, levels, skills, speakingTasks, tasks, writingTasks } from '../domain/scores.ts';
import { submissionStatuses } from '../domain/lifecycle.ts';
import { BadRequestError, type FieldError } from '../lib/http/errors.ts';
import { fieldErrors, someText } from '../lib/http/validate.ts';
import { audioFormats } from '../speech/audio-format.ts';

export const taskSchema = z.enum(tasks);

/** Largest essay accepted: far above any VSTEP task, small enough to score quickly. */
export const maxEssayCharacters = 20_000;

const taskId = z.uuid('must be a UUID').describe('The bank task answered: its prompt, skill, part and marking mode come with it.');
const attemptId = z.uuid('must be a UUID').optional().describe('The attempt (a sitting, or practice) this answer belongs to.');

/** Writing, the normal way: an answer to a task of the bank. */
export const writingTaskAnswerSchema = z.strictObject({ taskId, text: someText(maxEssayCharacters), attemptId }).meta({ title: 'WritingTaskAnswer' });

/** Writing, free practice (when PRACTICE_FREE_PROMPTS allows it): the student's own prompt. */
export const writingPracticeSchema = z
  .strictObject({
    skill: z.literal('writing', { error: 'must be "writing" in a JSON body; speaking answers are sent as multipart/form-data with an audio file' }),
    task: z.enum(writingTasks),
    prompt: someText(4000),
    text: someText(maxEssayCharacters),
    attemptId,
  })
  .meta({ title: 'WritingPractice' });

export const createWritingSubmissionSchema = z.union([writingTaskAnswerSchema, writingPracticeSchema]);
export type CreateWritingSubmission = z.infer<typeof createWritingSubmissionSchema>;

/** The text fields of a multipart speaking answer (the file itself is the `audio` part). */
export const speakingTaskAnswerSchema = z.strictObject({ taskId, attemptId });
export const speakingPracticeSchema = z.strictObject({
  skill: z.literal('speaking', { error: 'must be "speaking" in a multipart body; writing tasks are sent as JSON' }),
  task: z.enum(speakingTasks),
  prompt: someText(4000),
  attemptId,
});
export type CreateSpeakingSubmission = z.infer<typeof speakingTaskAnswerSchema> | z.infer<typeof speakingPracticeSchema>;

/** What an answer to a bank task must leave out: the task decides it. */
const decidedByTheTask = ['skill', 'task', 'prompt', 'mode'] as const;

/**
 * Reads the fields of a new submission: an answer to a bank task ({ taskId, ... }), or, where
 * free practice is on, the student's own prompt. The marking mode is never the student's: a
 * `mode` (or, with a task, its `prompt`, `skill` or `task`) is refused by name.
 */
export function parseAnswer<T extends 'writing' | 'speaking'>(
  skill: T,
  raw: unknown,
  freePrompts: boolean,
): { ok: true; value: T extends 'writing' ? CreateWritingSubmission : CreateSpeakingSubmission } | { ok: false; errors: FieldError[] } {
  const fields = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const has = (key: string) => Object.hasOwn(fields, key);
  const withTask = has('taskId');
  const refused: FieldError[] = withTask
    ? decidedByTheTask.filter(has).map((field) => ({ field, message: "comes from the task (its prompt and marking policy); leave it out" }))
    : has('mode')
      ? [{ field: 'mode', message: "is not the student's to choose: practice is marked in the platform's practice mode, a task in its own" }]
      : [];
  if (!withTask && !freePrompts) refused.push({ field: 'taskId', message: 'is required: answers are to tasks of the bank (free-prompt practice is off)' });
  const rest = Object.fromEntries(Object.entries(fields).filter(([key]) => !refused.some((e) => e.field === key)));
  const schema = skill === 'writing' ? (withTask ? writingTaskAnswerSchema : writingPracticeSchema) : withTask ? speakingTaskAnswerSchema : speakingPracticeSchema;
  const parsed = schema.safeParse(raw === null || typeof raw !== 'object' || Array.isArray(raw) ? raw : rest);
  const errors = [...refused, ...(parsed.success ? [] : fieldErrors(parsed.error))];
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data as never };
}

export const submissionIdParams = z.object({ id: z.uuid('must be a UUID') });

/** An instant in a request: an ISO 8601 date-time with its offset, read as a Date. */
export const instantInput = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).transform((s) => new Date(s));
const instant = instantInput;

/**
 * Pagination cursor: the (createdAt, id) of the last item returned, as epoch milliseconds and the
 * UUID. Clients pass nextCursor back unchanged; any value of this shape is a position in the
 * newest-first order, so every one the pattern admits is a cursor the API can page from.
 */
export const cursorPattern = /^[0-9]{13}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const cursorCodec = {
  encode: (item: { createdAt: Date; id: string }) => `${String(item.createdAt.getTime()).padStart(13, '0')}_${item.id.toLowerCase()}`,
  decode(cursor: string): { createdAt: Date; id: string } | null {
    if (!cursorPattern.test(cursor)) return null;
    const [millis, id] = cursor.split('_') as [string, string];
    return { createdAt: new Date(Number(millis)), id };
  },
};

/**
 * Keyset paging in the newest-first order (createdAt, id): the condition for the rows after
 * `cursor` (none for the first page). A cursor of the right shape but not decodable is 400.
 */
export function afterCursor(cursor: string | undefined): { OR?: Array<{ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: string } }> } {
  if (cursor === undefined) return {};
  const after = cursorCodec.decode(cursor);
  if (after === null) throw new BadRequestError('Invalid cursor.', [{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
  return { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] };
}

/** A page from the `limit + 1` rows read: the first `limit`, and the cursor of the next page if there is one. */
export function pageOf<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorCodec.encode(items[items.length - 1]!) : null };
}

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

export const reviewKinds = ['first', 'second', 'adjudication', 'appeal'] as const;
export const reviewKindSchema = z.enum(reviewKinds).describe('Which marking: `first` (or only), the blind `second`, a senior\'s `adjudication` between two that disagree, a senior\'s decision on an `appeal`.');
export const resultSources = ['ai', 'human', 'double_marked', 'adjudicated', 'override', 'appeal'] as const;

export const resultSchema = z
  .strictObject({
    overall: z.number(),
    level: levelSchema,
    criteria: z.record(z.string(), criterionResult),
    feedback: z.string(),
    source: z.enum(resultSources).describe('`ai`; `human` (one mark); `double_marked` (the mean of two agreeing marks); `adjudicated` (a senior between two that disagreed); `override`; `appeal` (changed on appeal).'),
    version: z.number().int().describe('1 for the first final result; an override or an appeal that changes it adds one. 0: an AI draft that went to review.'),
    reason: z.string().nullable().describe('Why an override or appeal changed the result.'),
    provider: z.string(),
    model: z.string().nullable(),
    scorerVersion: z.string(),
    confidence: z
      .number()
      .nullable()
      .describe("The calibrated probability (0-1) that the AI overall is within ±1.0 of a trained human's (docs/scoring.md, \"Calibrated confidence\"); 0 when the scorer is not calibrated for this kind of answer; null for a person's result."),
    uncertainty: z
      .strictObject({
        within: z
          .array(z.strictObject({ tolerance: z.number(), probability: z.number() }))
          .describe('P(|overall − human| ≤ tolerance), a conformal lower estimate, at several tolerances (VSTEP points).'),
        interval: z.strictObject({ low: z.number(), high: z.number(), level: z.number() }).describe('Covers a human\'s overall with probability at least `level`.'),
        calibration: z.string().describe('The calibration that produced it.'),
      })
      .nullable()
      .describe('The calibrated error behind `confidence`; null when uncalibrated, or for a person\'s result.'),
    usage: z
      .strictObject({ promptTokens: z.number().int(), completionTokens: z.number().int() })
      .nullable()
      .describe("Tokens the scorer's model call spent; null when no model was called."),
    routing: z
      .strictObject({ needsReview: z.boolean(), reasons: z.array(z.string()), flags: z.array(z.string()) })
      .nullable()
      .describe('What hybrid routing decided about an AI result, and why; null for a person\'s result.'),
    gradedAt: instantOut,
  })
  .meta({ id: 'Result' });

export const markSchema = z
  .strictObject({
    id: z.uuid(),
    reviewId: z.uuid(),
    kind: reviewKindSchema,
    graderId: z.uuid().nullable(),
    overall: z.number(),
    level: levelSchema,
    criteria: z.record(z.string(), z.strictObject({ score: z.number(), feedback: z.string().optional() })),
    feedback: z.string(),
    markedAt: instantOut,
  })
  .meta({ id: 'Mark', description: "One human marker's scores, kept whatever the final result became." });

export const appealStatuses = ['open', 'upheld', 'changed'] as const;

export const appealSchema = z
  .strictObject({
    id: z.uuid(),
    submissionId: z.uuid(),
    status: z.enum(appealStatuses),
    reason: z.string(),
    response: z.string().nullable().describe("The senior's answer, once decided."),
    appealedVersion: z.number().int(),
    resultVersion: z.number().int().nullable().describe('The version the decision left: the appealed one when upheld, a new one when changed.'),
    decidedAt: instantOut.nullable(),
    createdAt: instantOut,
  })
  .meta({ id: 'Appeal' });

export const markingSchema = z
  .strictObject({
    secondMarked: z.boolean().describe('Two people marked it independently.'),
    adjudicated: z.boolean().describe('Their marks disagreed and a senior decided.'),
    changedOnAppeal: z.boolean(),
    overridden: z.boolean(),
    appeal: appealSchema.nullable(),
    appealOpenUntil: instantOut.nullable().describe('Until when the student may appeal; null when they cannot (not completed, appealed already, window over).'),
  })
  .meta({ id: 'Marking', description: 'How the result was reached, and the appeal.' });

export const transcriptSchema = z
  .strictObject({
    text: z.string(),
    confidence: z
      .number()
      .describe('0-1: the expected share of words recognised right (the offline recogniser\'s word probabilities calibrated on the speech evaluation set, docs/scoring.md); for other recognisers their own mean probability.'),
    meanWordProbability: z.number().nullable().describe('The recogniser\'s mean word probability before calibration; null when it reports none.'),
    provider: z.string(),
    model: z.string().nullable(),
    fluency: z
      .strictObject({
        durationSeconds: z.number().nullable(),
        wordCount: z.number().int().describe('Words said (filled pauses left out).'),
        wordsPerMinute: z.number().nullable().describe('Words per minute of recording.'),
        speechSeconds: z.number().nullable().describe('The sum of the words\' own durations.'),
        articulationRate: z.number().nullable().describe('Words per minute of `speechSeconds`.'),
        pauseCount: z.number().int().nullable().describe('Silent pauses of 0.25 s or more.'),
        longPauseCount: z.number().int().nullable().describe('Silent pauses of a second or more.'),
        meanPauseSeconds: z.number().nullable(),
        longestPauseSeconds: z.number().nullable(),
        meanRunWords: z.number().nullable().describe('Words between silent pauses.'),
        syllableCount: z.number().int().nullable(),
        speakingSeconds: z.number().nullable().describe('From the first word\'s start to the last word\'s end.'),
        phonationSeconds: z.number().nullable().describe('Speaking time without the silent pauses.'),
        speechSyllablesPerSecond: z.number().nullable().describe('Speech rate: syllables per second of speaking time.'),
        articulationSyllablesPerSecond: z.number().nullable().describe('Articulation rate: syllables per second of phonation time.'),
        meanRunSyllables: z.number().nullable().describe('Mean length of run: syllables between silent pauses.'),
        pausesPerMinute: z.number().nullable().describe('Silent pauses per minute of speaking time.'),
        phonationTimeRatio: z.number().nullable().describe('Phonation time over speaking time (0-1).'),
        filledPauseCount: z.number().int().nullable().describe('"uh", "um", "er" and the like, as the recogniser wrote them.'),
        filledPausesPerMinute: z.number().nullable(),
      })
      .describe('Fluency measures from the word timings (docs/scoring.md, "Fluency measures"); null where the recogniser gave no timings.'),
    createdAt: instantOut,
  })
  .meta({ id: 'Transcript' });

const reviewSummary = z.strictObject({
  id: z.uuid(),
  kind: reviewKindSchema,
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
    mode: z.enum(gradingModes).describe("The answered task's marking mode (free practice: the platform's practice mode)."),
    taskId: z.uuid().nullable().describe('The bank task answered (that exact version); null for free practice.'),
    attemptId: z.uuid().nullable(),
    late: z.boolean().optional().describe("Staff only: arrived after its sitting closed (or the candidate's time ran out), within the grace period."),
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
    review: reviewSummary.nullable().describe('The marking under way (for staff: the one they hold, if any), else the latest.'),
    reviews: z.array(reviewSummary).optional().describe('Staff only: every marking, in the order they opened.'),
    marks: z.array(markSchema).optional().describe('Staff only, and blind: while marking is under way a marker sees only their own mark (an adjudicator, and admins, see all); once completed, every mark.'),
    resultHistory: z.array(resultSchema).optional().describe('Staff only: every final version, oldest first (the last is `result`).'),
    marking: markingSchema,
    links: z.strictObject({ self: z.string() }),
  })
  .meta({ id: 'Submission' });

const answeredTask = z
  .strictObject({
    id: z.uuid(),
    title: z.string(),
    version: z.number().int(),
    questions: z.array(z.string()),
    graderNotes: z.string().nullable().optional().describe('Staff only.'),
  })
  .nullable()
  .describe('The bank task answered, as it was answered; null for free practice.');

export const submissionDetailSchema = submissionSchema
  .extend({ prompt: z.string(), text: z.string().optional().describe('The essay (writing only).'), examTask: answeredTask })
  .meta({ id: 'SubmissionDetail', description: 'A submission with its prompt and, for writing, its essay (lists leave both out).' });

export const submissionPageSchema = z.strictObject({ items: z.array(submissionSchema), nextCursor: z.string().nullable() }).meta({ id: 'SubmissionPage' });

export type SubmissionView = z.input<typeof submissionSchema>;
export type SubmissionDetailView = z.input<typeof submissionDetailSchema>;
export type ResultView = z.input<typeof resultSchema>;
