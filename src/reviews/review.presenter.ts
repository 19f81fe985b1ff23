import { blindReasons } from '../domain/moderation.ts';
import type { ReviewTask, Submission } from '../generated/prisma/client.ts';
import type { ReviewQueueItemView, ReviewView } from './review.schemas.ts';

export function presentReview(r: ReviewTask): ReviewView {
  return {
    id: r.id,
    submissionId: r.submissionId,
    kind: r.kind,
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

type QueueItem = ReviewTask & { submission: Pick<Submission, 'skill' | 'task' | 'mode' | 'wordCount' | 'doubleMarked'> };

/** A review in the queue: the review plus its submission's skill, task, mode and word count. */
export function presentQueueItem(r: QueueItem): ReviewQueueItemView {
  const { skill, task, mode, wordCount, doubleMarked } = r.submission;
  return {
    ...presentReview(r),
    // Every marker reads the queue: a double-marked answer's entries do not hint at the AI's scores.
    ...(doubleMarked ? { reasons: blindReasons(r.reasons) } : {}),
    skill,
    task,
    mode,
    // A speaking answer's count is of its transcript, which the queue does not show.
    wordCount: skill === 'writing' ? wordCount : null,
  };
}
