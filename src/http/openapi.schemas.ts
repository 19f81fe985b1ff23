// Response shapes for the OpenAPI document (documentation only: the presenters produce them,
// and the schemathesis run checks that they agree).
import { z } from 'zod';

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

export const user = z.object({ id: z.uuid(), email: z.email(), name: z.string(), role: z.enum(['student', 'grader', 'admin']) }).meta({ id: 'User' });
export const tokens = z
  .object({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .meta({ id: 'Tokens' });
export const session = z
  .object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int(), user })
  .meta({ id: 'Session', description: 'The access token (keep it in memory) and its account; the refresh token is only in the vstep_refresh cookie.' });
const criterion = z.object({ score: z.number(), evidence: z.array(z.string()).optional(), feedback: z.string().nullable().optional(), estimated: z.boolean().optional() });
const result = z
  .looseObject({
    overall: z.number(),
    level: z.enum(['B1', 'B2', 'C1']).nullable(),
    criteria: z.record(z.string(), criterion),
    feedback: z.string(),
    source: z.enum(['ai', 'human']),
    provider: z.string(),
    model: z.string().nullable(),
    routing: z.unknown().optional(),
  })
  .meta({ id: 'Result' });
const reviewSummary = z.looseObject({
  id: z.uuid(),
  priority: z.enum(['low', 'medium', 'high']),
  status: z.string(),
  reasons: z.array(z.string()),
  dueAt: z.iso.datetime(),
  claimedBy: z.uuid().nullable().optional().describe('Staff only: the grader holding the claim.'),
  leaseExpiresAt: z.iso.datetime().nullable().optional().describe('Staff only: when that claim lapses.'),
});
export const submission = z
  .looseObject({
    id: z.uuid(),
    skill: z.enum(['writing', 'speaking']),
    task: z.enum(['task1', 'task2', 'part1', 'part2', 'part3']),
    mode: z.enum(['auto', 'hybrid', 'human']),
    status: z.enum(['pending', 'processing', 'completed', 'review_pending', 'failed']),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deadlineAt: z.iso.datetime(),
    slaBreached: z.boolean(),
    workflowId: z.string(),
    result: result.nullable(),
    review: reviewSummary.nullable(),
    audio: z.looseObject({ format: z.string(), bytes: z.number().nullable(), durationSeconds: z.number().nullable(), url: z.string() }).nullable().optional(),
    transcript: z.looseObject({ text: z.string(), confidence: z.number(), fluency: z.record(z.string(), z.number().nullable()) }).nullable().optional(),
  })
  .meta({ id: 'Submission' });
export const submissionDetail = submission
  .extend({ prompt: z.string(), text: z.string().optional().describe('The essay (writing only).') })
  .meta({ id: 'SubmissionDetail', description: 'A submission with its prompt and, for writing, its essay (lists leave both out).' });
export const review = z
  .looseObject({
    id: z.uuid(),
    submissionId: z.uuid(),
    priority: z.enum(['low', 'medium', 'high']),
    status: z.enum(['open', 'claimed', 'completed', 'cancelled']),
    reasons: z.array(z.string()),
    note: z.string().nullable(),
    dueAt: z.iso.datetime(),
    claimedBy: z.uuid().nullable(),
    leaseExpiresAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Review' });
export const reviewQueueItem = review
  .extend({
    skill: z.enum(['writing', 'speaking']),
    task: z.enum(['task1', 'task2', 'part1', 'part2', 'part3']),
    mode: z.enum(['auto', 'hybrid', 'human']),
    wordCount: z.number().int().nullable().describe("The essay's length; null for speaking."),
  })
  .meta({ id: 'ReviewQueueItem', description: "A review with its submission's skill, task, mode and length." });
export const consoleSettings = z
  .object({
    temporalUiUrl: z.string().nullable().describe('The Temporal Web UI; a workflow is at {temporalUiUrl}/namespaces/{temporalNamespace}/workflows/{workflowId}.'),
    temporalNamespace: z.string(),
    wordMinimum: z.object({ task1: z.number().int(), task2: z.number().int() }),
  })
  .meta({ id: 'ConsoleSettings' });
const skillView = z.looseObject({ score: z.number().nullable(), level: z.string().nullable(), complete: z.boolean(), tasks: z.record(z.string(), z.unknown()) });
export const attempt = z
  .looseObject({ id: z.uuid(), studentId: z.uuid(), title: z.string().nullable(), createdAt: z.iso.datetime(), skills: z.object({ writing: skillView, speaking: skillView }) })
  .meta({ id: 'Attempt' });
export const progress = z.looseObject({ studentId: z.uuid(), skills: z.record(z.string(), z.looseObject({ graded: z.number().int() })) }).meta({ id: 'Progress' });
export const health = z.looseObject({ status: z.string() });
