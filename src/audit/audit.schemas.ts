import { z } from 'zod';
import { BadRequestError } from '../lib/http/errors.ts';
import { instantInput, instantSchema } from '../submissions/submission.schemas.ts';
import { auditActions } from './audit.ts';

/**
 * The trail's cursor: the (at, id) of the last record returned, as epoch milliseconds and the
 * bigint id (the submissions' codec names a UUID). Any value of this shape is a position in the
 * newest-first order; 18 digits always fit a bigint.
 */
export const auditCursorPattern = /^[0-9]{13}_[0-9]{1,18}$/;

export const auditCursorCodec = {
  encode: (record: { at: Date; id: bigint }) => `${String(record.at.getTime()).padStart(13, '0')}_${record.id}`,
  decode(cursor: string): { at: Date; id: bigint } | null {
    if (!auditCursorPattern.test(cursor)) return null;
    const [millis, id] = cursor.split('_') as [string, string];
    return { at: new Date(Number(millis)), id: BigInt(id) };
  },
};

/** The condition for the records after `cursor` in the order (at desc, id desc); none for the first page. */
export function afterAuditCursor(cursor: string | undefined): { OR?: Array<{ at: { lt: Date } } | { at: Date; id: { lt: bigint } }> } {
  if (cursor === undefined) return {};
  const after = auditCursorCodec.decode(cursor);
  if (after === null) throw new BadRequestError('Invalid cursor.', [{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
  return { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] };
}

const uuid = z.uuid('must be a UUID');

export const auditListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(auditCursorPattern, 'is not a cursor this API issued').optional(),
    action: z.enum(auditActions).optional(),
    actorId: uuid.optional().describe('Who acted.'),
    submissionId: uuid.optional(),
    subjectId: uuid.optional().describe('The review, appeal or user acted on.'),
    from: instantInput.optional().describe('Recorded at or after this instant; must be before `to`.'),
    to: instantInput.optional().describe('Recorded before this instant.'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export type AuditListQuery = z.output<typeof auditListQuery>;

export const auditRecordSchema = z
  .strictObject({
    id: z.string().regex(/^[0-9]+$/).describe('The record\'s number (a 64-bit integer, as a string); later records have higher ones.'),
    at: instantSchema,
    actorId: z.uuid().nullable().describe('Who acted; null for the platform itself.'),
    action: z.enum(auditActions),
    submissionId: z.uuid().nullable(),
    subjectId: z.uuid().nullable().describe('The review, appeal or user acted on.'),
    before: z.unknown().describe('What the action changed, as it was (JSON); null when none or redacted.'),
    after: z.unknown().describe('What the action changed, as it became (JSON); null when none or redacted.'),
    redacted: z.boolean().describe("The submission was deleted: its records keep who, what, when and the ids, and lose before and after."),
  })
  .meta({ id: 'AuditRecord', description: 'Who did what to a mark, a result, a role or a grading, and when.' });

export const auditPageSchema = z.strictObject({ items: z.array(auditRecordSchema), nextCursor: z.string().nullable() }).meta({ id: 'AuditPage' });

export type AuditRecordView = z.input<typeof auditRecordSchema>;
