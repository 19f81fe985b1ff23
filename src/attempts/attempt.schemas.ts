import { z } from 'zod';

export const createAttemptSchema = z.strictObject({ title: z.string().trim().min(1).max(200).optional() });
export const attemptIdParams = z.object({ id: z.uuid('must be a UUID') });
export const studentQuery = z.object({
  studentId: z.uuid('must be a UUID').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const progressQuery = studentQuery.pick({ studentId: true });
