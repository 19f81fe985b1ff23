import { z } from 'zod';
import { someText } from '../lib/http/validate.ts';

export const createAttemptSchema = z.strictObject({
  // PostgreSQL text cannot hold NUL.
  title: someText(200).trim().optional(),
});
export const attemptIdParams = z.object({ id: z.uuid('must be a UUID') });
export const studentQuery = z.object({
  studentId: z.uuid('must be a UUID').optional().describe('Whose records: a student may leave it out (their own); graders and admins must name the student.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const progressQuery = studentQuery.pick({ studentId: true });
