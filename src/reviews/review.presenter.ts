import type { ReviewTask } from '../generated/prisma/client.ts';

export function presentReview(r: ReviewTask) {
  return {
    id: r.id,
    submissionId: r.submissionId,
    priority: r.priority,
    status: r.status,
    reasons: r.reasons,
    note: r.note,
    dueAt: r.dueAt.toISOString(),
    claimedBy: r.claimedById,
    leaseExpiresAt: r.leaseExpiresAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
