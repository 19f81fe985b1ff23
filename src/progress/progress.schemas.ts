import { z } from 'zod';
import { speakingTasks, writingTasks } from '../domain/scores.ts';
import { studentQuery } from '../attempts/attempt.schemas.ts';
import { levelSchema as level } from '../submissions/submission.schemas.ts';

export const progressQuery = studentQuery.pick({ studentId: true });

const instant = z.iso.datetime();
const progressPoint = z.strictObject({ submissionId: z.uuid(), task: z.enum([...writingTasks, ...speakingTasks]), overall: z.number(), level, gradedAt: instant });
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
