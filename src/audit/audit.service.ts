// Reading the audit trail: newest first, filtered by action, actor, submission, subject and time.
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import { afterAuditCursor, auditCursorCodec, type AuditListQuery, type AuditRecordView } from './audit.schemas.ts';
import type { AuditAction } from './audit.ts';

export type AuditRow = Prisma.AuditRecordGetPayload<object>;

export const presentAuditRecord = (r: AuditRow): AuditRecordView => ({
  id: r.id.toString(),
  at: r.at.toISOString(),
  actorId: r.actorId,
  action: r.action as AuditAction,
  submissionId: r.submissionId,
  subjectId: r.subjectId,
  before: r.before,
  after: r.after,
  redacted: r.redacted,
});

export function createAuditService(prisma: PrismaClient) {
  return {
    async list({ limit, cursor, action, actorId, submissionId, subjectId, from, to }: AuditListQuery) {
      const rows = await prisma.auditRecord.findMany({
        where: { AND: [{ action, actorId, submissionId, subjectId, at: { gte: from, lt: to } }, afterAuditCursor(cursor)] },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? auditCursorCodec.encode(items[items.length - 1]!) : null };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
