import { z } from 'zod';
import { gradingModes, skills, speakingTasks, writingTasks } from '../domain/scores.ts';
import { someText } from '../lib/http/validate.ts';
import { cursorPattern, instantSchema, taskSchema } from '../submissions/submission.schemas.ts';

export const taskStatuses = ['draft', 'published', 'archived'] as const;
export const feedbackLanguages = ['en', 'vi'] as const;

const policyFields = {
  mode: z.enum(gradingModes).describe('`auto`: the AI result is final; `hybrid`: AI drafts, people review when routing says so; `human`: always a person.'),
  secondMarkingRate: z.number().min(0).max(1).describe('Share of responses marked by people (0-1) that a second, independent marker also marks, blind; drawn reproducibly from the submission id (docs/moderation.md).'),
  feedbackLanguage: z.enum(feedbackLanguages).describe('Language of the feedback students get: `en` or `vi`.'),
};

const policyInput = z.strictObject({
  mode: policyFields.mode,
  secondMarkingRate: policyFields.secondMarkingRate.default(0),
  feedbackLanguage: policyFields.feedbackLanguage.default('en'),
});

const content = {
  title: someText(200).trim(),
  prompt: someText(4000).describe('What the candidate reads: for Part 2 the situation, for the others the instruction.'),
  questions: z
    .array(someText(500).trim())
    .max(10)
    .describe('Speaking: the sub-questions (Parts 1 and 3) or the options (Part 2), in order.'),
  graderNotes: someText(4000).nullable().describe('What graders should look for; never shown to students.'),
};

const taskFields = {
  title: content.title,
  prompt: content.prompt,
  questions: content.questions.default([]),
  graderNotes: content.graderNotes.optional(),
  policy: policyInput,
};

/** A new task: writing tasks are task1/task2, speaking ones part1-part3. */
export const createTaskSchema = z.discriminatedUnion('skill', [
  z.strictObject({ skill: z.literal('writing'), task: z.enum(writingTasks, { error: 'must be task1 or task2 for writing' }), ...taskFields }),
  z.strictObject({ skill: z.literal('speaking'), task: z.enum(speakingTasks, { error: 'must be part1, part2 or part3 for speaking' }), ...taskFields }),
]);

export type CreateTask = z.output<typeof createTaskSchema>;

/** Changes to a task's content or policy; skill and task are fixed once created. */
export const taskChangesSchema = z.strictObject({
  title: content.title.optional(),
  prompt: content.prompt.optional(),
  questions: content.questions.optional(),
  graderNotes: content.graderNotes.optional(),
  policy: z
    .strictObject({ mode: policyFields.mode.optional(), secondMarkingRate: policyFields.secondMarkingRate.optional(), feedbackLanguage: policyFields.feedbackLanguage.optional() })
    .optional(),
});

/** A draft's edit: at least one change. */
export const updateTaskSchema = taskChangesSchema
  .refine((changes) => Object.keys(changes).length > 0, 'must name at least one field to change')
  .meta({ minProperties: 1 } as Record<string, unknown>);

export type UpdateTask = z.output<typeof taskChangesSchema>;

export const taskIdParams = z.object({ id: z.uuid('must be a UUID') });

export const taskListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(cursorPattern, 'is not a cursor this API issued').optional(),
  skill: z.enum(skills).optional(),
  task: taskSchema.optional(),
  status: z.enum(taskStatuses).optional().describe('Staff only; students always get published tasks.'),
});

export type TaskListQuery = z.output<typeof taskListQuery>;

export const examTaskSchema = z
  .strictObject({
    id: z.uuid(),
    familyId: z.uuid().describe('Shared by every version of this task.'),
    version: z.number().int(),
    previousVersionId: z.uuid().nullable(),
    skill: z.enum(skills),
    task: taskSchema,
    title: z.string(),
    prompt: z.string(),
    questions: z.array(z.string()),
    graderNotes: z.string().nullable().optional().describe('Staff only.'),
    policy: z.strictObject(policyFields),
    status: z.enum(taskStatuses),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    publishedAt: instantSchema.nullable(),
    archivedAt: instantSchema.nullable(),
    links: z.strictObject({ self: z.string() }),
  })
  .meta({ id: 'ExamTask', description: 'A task of the bank: a draft can be edited; a published one is frozen (an edit is a new version); an archived one takes no answers.' });

export const examTaskPageSchema = z.strictObject({ items: z.array(examTaskSchema), nextCursor: z.string().nullable() }).meta({ id: 'ExamTaskPage' });

export type ExamTaskView = z.input<typeof examTaskSchema>;
