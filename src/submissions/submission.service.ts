// A student's submissions and what may be done with them: created through the intake
// (submission.intake.ts), read by whoever may see them, deleted by their owner or an admin,
// re-driven by an admin when grading failed.
import type { Client } from '@temporalio/client';
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { recordAudit, redactAuditOf } from '../audit/audit.ts';
import { appealWorkflowIdFor } from '../grading/contract.ts';
import { createGradingStarter, type GradingStarter } from '../grading/starter.ts';
import { ConflictError } from '../lib/http/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import type { AudioStore } from '../storage/audio-store.ts';
import { dueOf } from '../sittings/sitting.service.ts';
import { mayDelete, visibleTo } from './submission.access.ts';
import { createSubmissionIntake } from './submission.intake.ts';
import { findSubmission, submissionInclude, transition, type SubmissionRecord } from './submission.repository.ts';
import { afterCursor, pageOf, type ListQuery } from './submission.schemas.ts';

export interface SubmissionServiceDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  audioStore: AudioStore;
  /** Starts the workflows; by default one built from the same config, database and client. */
  grading?: GradingStarter;
}

export function createSubmissionService({
  config,
  prisma,
  temporal,
  logger,
  audioStore,
  grading = createGradingStarter({ config, prisma, temporal, logger }),
}: SubmissionServiceDeps) {
  return {
    ...createSubmissionIntake({ config, prisma, logger, audioStore, grading }),

    /** The submission if `viewer` may see it, else null (reported as 404). */
    getVisible(id: string, viewer: Principal): Promise<SubmissionRecord | null> {
      return prisma.submission.findFirst({ where: { AND: [{ id }, visibleTo(viewer)] }, include: submissionInclude });
    },

    /** Visible submissions matching the filters, newest first, a page at a time. */
    async list(viewer: Principal, { limit, cursor, status, skill, task, attemptId, studentId, from, to }: ListQuery) {
      const after = afterCursor(cursor);
      const rows = await prisma.submission.findMany({
        where: {
          AND: [
            visibleTo(viewer),
            {
              status,
              skill,
              task,
              attemptId,
              studentId,
              ...(from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
            },
            after,
          ],
        },
        include: submissionInclude,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      return pageOf(rows, limit);
    },

    /**
     * Hard delete (events, results, reviews, marks and appeal go with it by cascade; the audit trail keeps who did what, without the contents), then end the workflow.
     * A student cannot delete an answer of a sitting whose time is over (409).
     * If Temporal cannot be reached the workflow still ends: its next activity finds the
     * submission gone.
     */
    async delete(id: string, viewer: Principal): Promise<boolean> {
      const submission = await prisma.submission.findFirst({
        where: { AND: [{ id }, visibleTo(viewer)] },
        select: { studentId: true, workflowId: true, audioKey: true, attempt: { select: { dueAt: true, sitting: { select: { closesAt: true } } } } },
      });
      if (!submission || !mayDelete(viewer, submission)) return false;
      // A sitting's answers stand once the candidate's time is up: no deleting to answer again.
      const sitting = submission.attempt?.sitting;
      const due = sitting && dueOf(submission.attempt!, sitting);
      if (viewer.role === 'student' && due && due <= new Date()) {
        throw new ConflictError(`This answer belongs to a sitting that closed for you at ${due.toISOString()}; it can no longer be deleted.`);
      }
      // The audit trail outlives the submission without what could quote it.
      await prisma.$transaction(async (tx) => {
        await tx.submission.delete({ where: { id } });
        await redactAuditOf(tx, id);
        await recordAudit(tx, { actorId: viewer.id, action: 'submission.deleted', submissionId: id });
      });
      if (submission.audioKey) {
        await audioStore
          .remove(submission.audioKey)
          .catch((error: unknown) => logger.error({ err: error, submissionId: id }, 'could not delete the audio of a deleted submission'));
      }
      for (const workflowId of [submission.workflowId, appealWorkflowIdFor(id)]) {
        await temporal.workflow
          .getHandle(workflowId)
          .terminate('submission deleted')
          .catch((error: unknown) => logger.debug({ err: error, submissionId: id, workflowId }, 'no running workflow to end'));
      }
      return true;
    },

    /** Admin re-drive: failed -> pending (recorded), then a new grading run. */
    async retry(id: string, admin: Principal): Promise<SubmissionRecord | null> {
      const submission = await prisma.submission.findUnique({ where: { id } });
      if (!submission) return null;
      if (submission.status !== 'failed') {
        throw new ConflictError(`Only failed submissions can be re-driven; this one is ${submission.status}.`);
      }
      await prisma.$transaction(async (tx) => {
        await transition(tx, id, 'pending', {
          set: { failureReason: null, workflowStartedAt: null },
          eventData: { redrivenBy: admin.id, previousFailure: submission.failureReason },
        });
        await recordAudit(tx, { actorId: admin.id, action: 'submission.redriven', submissionId: id, before: { status: 'failed', failureReason: submission.failureReason } });
      });
      await grading.startOrLeaveToReconciler(submission, { redrive: true });
      return findSubmission(prisma, id);
    },
  };
}

export type SubmissionService = ReturnType<typeof createSubmissionService>;
