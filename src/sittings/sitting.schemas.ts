import { z } from 'zod';
import { skills } from '../domain/scores.ts';
import { someText } from '../lib/http/validate.ts';
import { instantInput, instantSchema, taskSchema } from '../submissions/submission.schemas.ts';


export const createSittingSchema = z
  .strictObject({
    title: someText(200).trim(),
    taskIds: z
      .array(z.uuid('must be a UUID'))
      .min(1, 'must name at least one task')
      .max(10, 'must name at most 10 tasks')
      .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'must not name a task twice')
      .meta({ uniqueItems: true } as Record<string, unknown>)
      .describe('The test form: published tasks, in the order candidates answer them (a writing paper: Task 1, Task 2; speaking: Parts 1-3).'),
    opensAt: instantInput,
    closesAt: instantInput,
    durationMinutes: z.number().int().min(1).max(24 * 60).optional().describe("Each candidate's time from starting their attempt (never past closesAt)."),
    studentIds: z.array(z.uuid('must be a UUID')).max(10_000).optional().describe('The students it is open to; left out: every student.'),
    allowRetakes: z.boolean().default(false).describe('May a candidate start more than one attempt?'),
  })
  .refine((s) => s.opensAt < s.closesAt, { message: 'must be after opensAt', path: ['closesAt'] })
  .describe('`closesAt` must be after `opensAt`.');

export type CreateSitting = z.output<typeof createSittingSchema>;

export const sittingIdParams = z.object({ id: z.uuid('must be a UUID') });

export const sittingStates = ['upcoming', 'open', 'closed'] as const;

export const sittingListQuery = z.object({
  state: z.enum(sittingStates).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const formTask = z.strictObject({
  id: z.uuid(),
  skill: z.enum(skills),
  task: taskSchema,
  title: z.string(),
  prompt: z.string().optional().describe('Left out for students until the sitting opens.'),
  questions: z.array(z.string()).optional().describe('Left out for students until the sitting opens.'),
});

const candidateAttempt = z.strictObject({
  id: z.uuid(),
  startedAt: instantSchema,
  dueAt: instantSchema.describe("When this candidate's time is up (answers are refused after a short grace period)."),
  links: z.strictObject({ self: z.string() }),
});

export const sittingSchema = z
  .strictObject({
    id: z.uuid(),
    title: z.string(),
    tasks: z.array(formTask).describe('The test form, in order.'),
    opensAt: instantSchema,
    closesAt: instantSchema,
    durationMinutes: z.number().int().nullable(),
    allowRetakes: z.boolean(),
    state: z.enum(sittingStates),
    studentIds: z.array(z.uuid()).optional().describe('Staff only: who may sit it (empty: every student).'),
    attempts: z.array(candidateAttempt).optional().describe("Students only: the student's own attempts at this sitting."),
    createdAt: instantSchema,
    links: z.strictObject({ self: z.string() }),
  })
  .meta({ id: 'Sitting', description: 'A test form offered in a window.' });

export const sittingListSchema = z.strictObject({ items: z.array(sittingSchema) }).meta({ id: 'SittingList' });

export type SittingView = z.input<typeof sittingSchema>;
