import { z } from 'zod';
import { studentQuery } from '../attempts/attempt.schemas.ts';
import { instantSchema, levelSchema as level, taskSchema } from '../submissions/submission.schemas.ts';

export const progressQuery = studentQuery.pick({ studentId: true });

const instant = instantSchema;
const progressPoint = z.strictObject({ submissionId: z.uuid(), task: taskSchema, overall: z.number(), level, gradedAt: instant });
const skillProgress = z.strictObject({
  graded: z.number().int(),
  latest: progressPoint.nullable(),
  best: progressPoint.nullable(),
  average: z.number().nullable(),
  levelReached: level,
  trend: z.strictObject({
    direction: z.enum(['improving', 'steady', 'declining', 'not_enough_data']),
    slope: z.number().nullable(),
    points: z.array(progressPoint),
  }),
  criteria: z.array(z.strictObject({ criterion: z.string(), average: z.number(), count: z.number().int() })).describe('Weakest first.'),
});

export const progressSchema = z
  .strictObject({ studentId: z.uuid(), skills: z.strictObject({ writing: skillProgress, speaking: skillProgress }) })
  .meta({ id: 'Progress' });

export type ProgressView = z.input<typeof progressSchema>;
