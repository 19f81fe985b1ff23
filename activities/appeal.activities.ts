// Activities of the AppealSubmission workflow: open the appeal's review for a senior, and record
// the decision. Both are safe to retry: one appeal review per submission, and a decided appeal
// answers its decision again.
import { recordAudit } from '../src/audit/audit.ts';
import { criteriaFor } from '../src/domain/scores.ts';
import type { ReviewDecision } from '../src/grading/contract.ts';
import type { PrismaClient } from '../src/lib/prisma.ts';
import { addResultVersion, currentResult, sameScores, scoresOf } from '../src/moderation/result-versions.ts';
import { appendEvent } from '../src/submissions/submission.repository.ts';
import { storeMark } from './review.activities.ts';
import { asActivityFailure, submissionGone } from './store-failures.ts';

export interface AppealDeps {
  prisma: PrismaClient;
}

export function createAppealActivities({ prisma }: AppealDeps) {
  async function appealOf(appealId: string, submissionId: string) {
    const appeal = await prisma.appeal.findUnique({ where: { id: appealId } });
    if (!appeal) throw submissionGone(submissionId);
    return appeal;
  }

  return {
    /** Opens the appeal's review (once), due in `dueSeconds`; the student's reason is its note. */
    async openAppealReview(submissionId: string, appealId: string, dueSeconds: number): Promise<{ reviewId: string }> {
      const appeal = await appealOf(appealId, submissionId);
      return asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const existing = await tx.reviewTask.findUnique({ where: { submissionId_kind: { submissionId, kind: 'appeal' } }, select: { id: true } });
          if (existing) return { reviewId: existing.id };
          const reasons = ['appeal'];
          const review = await tx.reviewTask.create({
            data: { submissionId, kind: 'appeal', priority: 'medium', reasons, note: appeal.reason.slice(0, 2000), dueAt: new Date(Date.now() + dueSeconds * 1000) },
          });
          await appendEvent(tx, submissionId, 'review_opened', { reviewId: review.id, kind: 'appeal', priority: review.priority, reasons });
          return { reviewId: review.id };
        }),
      );
    },

    /**
     * Records the senior's decision: scores equal to the current result's uphold it; any other
     * scores make a new version (source `appeal`). The senior's feedback is the answer to the student.
     */
    async decideAppeal(submissionId: string, appealId: string, decision: ReviewDecision & { reviewId: string }): Promise<{ status: 'upheld' | 'changed'; version: number }> {
      return asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const current = await currentResult(tx, submissionId);
          const appeal = await tx.appeal.findUnique({ where: { id: appealId } });
          if (!current?.result || !appeal) throw submissionGone(submissionId);
          if (appeal.status !== 'open') return { status: appeal.status, version: appeal.resultVersion ?? current.result.version };
          await storeMark(tx, submissionId, { ...decision, kind: 'appeal' }, criteriaFor[current.skill]);
          const response = decision.feedback ?? '';
          const upheld = sameScores(scoresOf(current.result), decision.criteria);
          const version = upheld
            ? current.result.version
            : (
                await addResultVersion(tx, submissionId, current, {
                  source: 'appeal',
                  criteria: decision.criteria,
                  feedback: response || current.result.feedback,
                  reason: `Changed on appeal: ${appeal.reason}`.slice(0, 2000),
                  actorId: decision.graderId,
                  appealId,
                })
              ).version;
          const status = upheld ? 'upheld' : 'changed';
          await tx.appeal.update({ where: { id: appealId }, data: { status, resultVersion: version, decidedById: decision.graderId, decidedAt: new Date(), response } });
          await appendEvent(tx, submissionId, 'appeal_decided', { appealId, status, version });
          if (upheld) {
            await recordAudit(tx, { actorId: decision.graderId, action: 'appeal.decided', submissionId, subjectId: appealId, before: { version }, after: { status, version, response } });
          }
          return { status, version };
        }),
      );
    },
  };
}
