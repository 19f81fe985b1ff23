import { z } from 'zod';
import { submissionStatuses } from '../domain/lifecycle.ts';
import { instantSchema, resultSchema } from '../submissions/submission.schemas.ts';

/** One event of the live feed: its SSE `data`, with the stored event's id as the SSE id. */
export const submissionEventSchema = z
  .strictObject({
    id: z.string().describe('The stored event id (also the SSE id, for Last-Event-ID).'),
    submissionId: z.uuid(),
    type: z.string().describe('created, status_changed, transcribed, review_escalated, sla_breached, ...'),
    from: z.enum(submissionStatuses).nullable(),
    to: z.enum(submissionStatuses).nullable(),
    data: z.unknown().describe('What the event records; staff identities are left out for students.'),
    createdAt: instantSchema,
    result: resultSchema.nullable().optional().describe('On the event that completes the submission: the final result.'),
  })
  .meta({
    id: 'SubmissionEvent',
    description: 'The data of an event of the stream: a stored event of the submission.',
  });

/** The last event of a stream whose submission was deleted meanwhile (`event: deleted`). */
export const submissionDeletedSchema = z.strictObject({ submissionId: z.uuid() }).meta({ id: 'SubmissionDeleted' });

/** What the data of any event of the stream is. */
export const liveEventSchema = z.union([submissionEventSchema, submissionDeletedSchema]);

export type SubmissionEventView = z.input<typeof submissionEventSchema>;
