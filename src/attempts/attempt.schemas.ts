import { z } from 'zod';
import { submissionStatuses } from '../domain/lifecycle.ts';
import { someText } from '../lib/http/validate.ts';
import { instantSchema, levelSchema as level } from '../submissions/submission.schemas.ts';

export const createAttemptSchema = z
  .strictObject({
    // PostgreSQL text cannot hold NUL.
    title: someText(200).trim().optional().describe('A practice attempt of your own: its title (not sent with `sittingId`).'),
    sittingId: z.uuid('must be a UUID').optional().describe("Sit this sitting: the attempt takes the sitting's title, tasks and time limit."),
  })
  .refine((b) => !(b.title !== undefined && b.sittingId !== undefined), { message: "must be left out: a sitting's attempt takes its title", path: ['title'] });
export const attemptIdParams = z.object({ id: z.uuid('must be a UUID') });
export const studentQuery = z.object({
  studentId: z.uuid('must be a UUID').optional().describe('Whose records: a student may leave it out (their own); graders and admins must name the student.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const instant = instantSchema;

const taskResult = z.strictObject({
  submissionId: z.uuid(),
  status: z.enum(submissionStatuses),
  overall: z.number().nullable(),
  level,
  gradedAt: instant.nullable(),
});
const skillResult = z.strictObject({
  score: z.number().nullable().describe('The VSTEP skill score, once every task of the skill is graded.'),
  level,
  complete: z.boolean(),
  tasks: z.record(z.string(), taskResult.nullable()).describe('Per task of the skill: its answer, or null when not answered yet.'),
});

export const attemptSchema = z
  .strictObject({
    id: z.uuid(),
    studentId: z.uuid(),
    title: z.string().nullable(),
    sittingId: z.uuid().nullable().describe('The sitting this attempt sits, if any.'),
    dueAt: instant.nullable().describe("A sitting's attempt: when the candidate's time is up."),
    createdAt: instant,
    skills: z.strictObject({ writing: skillResult, speaking: skillResult }),
    links: z.strictObject({ self: z.string() }),
  })
  .meta({ id: 'Attempt' });

export const attemptListSchema = z.strictObject({ items: z.array(attemptSchema) }).meta({ id: 'AttemptList' });

export type AttemptView = z.input<typeof attemptSchema>;
