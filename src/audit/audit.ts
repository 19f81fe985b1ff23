// The audit trail: who did what to a mark, a result, a role or a grading, and when. Records are
// written in the same transaction as the change they describe, so a change is never without its
// record. They hold no foreign keys and outlive what they name; deleting a submission keeps its
// records' actor, action, time and ids and drops their before/after, which can quote the response.
import type { Prisma } from '../lib/prisma.ts';

import type { AuditAction } from '../domain/audit-actions.ts';

export { auditActions, type AuditAction } from '../domain/audit-actions.ts';

export interface AuditEntry {
  /** Who acted; null for the platform itself (e.g. the mean of two marks). */
  actorId: string | null;
  action: AuditAction;
  submissionId?: string | null;
  /** The review, appeal or user acted on. */
  subjectId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

const json = (value: Prisma.InputJsonValue | null | undefined) => (value === null || value === undefined ? undefined : value);

export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.auditRecord.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      submissionId: entry.submissionId ?? null,
      subjectId: entry.subjectId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}

/** A deleted submission's records keep who, what, when and the ids; their contents go. */
export async function redactAuditOf(tx: Prisma.TransactionClient, submissionId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE audit_records SET before = NULL, after = NULL, redacted = true
    WHERE submission_id = ${submissionId}::uuid AND NOT redacted`;
}
