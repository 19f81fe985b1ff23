// Activities that write grading progress to Postgres. Each is safe to retry: status moves are
// idempotent and a result is unique per (submission, source).
import { gradingDuration } from '../src/lib/metrics.ts';
import type { Prisma, PrismaClient } from '../src/lib/prisma.ts';
import { transition } from '../src/submissions/submission.repository.ts';
import type { ScoreDraft } from '../src/grading/contract.ts';
import { recordAudit } from '../src/audit/audit.ts';
import { asActivityFailure } from './store-failures.ts';
import { confidenceOf } from '../src/domain/uncertainty.ts';

export interface PersistenceDeps {
  prisma: PrismaClient;
}

export function resultRows(
  submissionId: string,
  draft: ScoreDraft,
  { isFinal = true, reasons = [] as string[] } = {},
): Prisma.GradingResultCreateInput {
  return {
    submission: { connect: { id: submissionId } },
    // A draft that went to review is version 0; a final AI result is the first version.
    version: isFinal ? 1 : 0,
    source: 'ai',
    isFinal,
    overall: draft.overall,
    level: draft.level,
    feedback: draft.feedback,
    provider: draft.provider,
    model: draft.model,
    scorerVersion: draft.version,
    // Calibrated when the draft says how far it may be off; else the draft's own (histories before calibration).
    confidence: draft.uncertainty ? confidenceOf(draft.uncertainty) : draft.confidence,
    ...(draft.uncertainty ? { uncertainty: { ...draft.uncertainty } } : {}),
    ...(draft.usage ? { promptTokens: draft.usage.promptTokens, completionTokens: draft.usage.completionTokens } : {}),
    routing: { needsReview: !isFinal, reasons, flags: draft.flags },
    criteria: {
      create: Object.entries(draft.criteria).map(([criterion, a]) => ({
        criterion,
        score: a.score,
        evidence: a.evidence,
        feedback: a.feedback,
        estimated: a.estimated ?? false,
      })),
    },
  };
}

export function createPersistenceActivities({ prisma }: PersistenceDeps) {
  return {
    async markProcessing(submissionId: string): Promise<void> {
      await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction((tx) => transition(tx, submissionId, 'processing', { idempotent: true })),
      );
    },

    async completeWithResult(submissionId: string, draft: ScoreDraft): Promise<void> {
      await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const moved = await transition(tx, submissionId, 'completed', {
            idempotent: true,
            eventData: { overall: draft.overall, level: draft.level, provider: draft.provider },
          });
          // A retry after a commit we never heard back from finds the work done.
          if (!moved) return null;
          await tx.gradingResult.create({ data: resultRows(submissionId, draft) });
          await recordAudit(tx, {
            actorId: null,
            action: 'result.finalised',
            submissionId,
            after: { version: 1, source: 'ai', overall: draft.overall, level: draft.level, provider: draft.provider, model: draft.model },
          });
          return tx.submission.findUnique({ where: { id: submissionId }, select: { skill: true, createdAt: true } });
        }),
      ).then((done) => {
        if (done) gradingDuration.observe({ skill: done.skill, provider: draft.provider, source: 'ai' }, (Date.now() - done.createdAt.getTime()) / 1000);
      });
    },

    async markFailed(submissionId: string, reason: string): Promise<void> {
      await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction((tx) =>
          transition(tx, submissionId, 'failed', {
            idempotent: true,
            set: { failureReason: reason.slice(0, 2000) },
            eventData: { reason },
          }),
        ),
      );
    },
  };
}
