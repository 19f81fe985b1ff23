// After a result: overrides by a senior or admin (a new version, the old one kept) and appeals
// by the student (once, within APPEAL_WINDOW_DAYS), each appeal decided through its own workflow.
import type { Client } from '@temporalio/client';
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { recordAudit } from '../audit/audit.ts';
import { createGradingStarter } from '../grading/starter.ts';
import { decisionProblems } from '../grading/review-decision.ts';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../lib/http/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { visibleTo } from '../submissions/submission.access.ts';
import { appendEvent, findSubmission, type SubmissionRecord } from '../submissions/submission.repository.ts';
import type { OverrideBody } from './moderation.schemas.ts';
import { addResultVersion, currentResult } from './result-versions.ts';

export interface ModerationServiceDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
}

const dayMs = 86_400_000;

export function createModerationService({ config, prisma, temporal, logger }: ModerationServiceDeps) {
  const starter = createGradingStarter({ config, prisma, temporal, logger });

  async function visible(id: string, viewer: Principal) {
    const row = await prisma.submission.findFirst({ where: { AND: [{ id }, visibleTo(viewer)] }, select: { id: true } });
    if (!row) throw new NotFoundError('No submission with this id.');
  }

  return {
    /** A new version of a completed result; refused while an appeal of it is being decided. */
    async override(id: string, actor: Principal, body: OverrideBody): Promise<SubmissionRecord> {
      await visible(id, actor);
      await prisma.$transaction(async (tx) => {
        const current = await currentResult(tx, id);
        if (!current) throw new NotFoundError('No submission with this id.');
        if (current.status !== 'completed' || !current.result) throw new ConflictError(`Only a completed result can be overridden; this submission is ${current.status}.`);
        const problems = decisionProblems(body, current.skill);
        if (problems.length) throw new BadRequestError(`The scores were not accepted: ${problems.join('; ')}.`);
        const appeal = await tx.appeal.findUnique({ where: { submissionId: id }, select: { status: true } });
        if (appeal?.status === 'open') throw new ConflictError('An appeal of this result is being decided; its decision makes any change.');
        await addResultVersion(tx, id, current, { source: 'override', criteria: body.criteria, feedback: body.feedback ?? current.result.feedback, reason: body.reason, actorId: actor.id });
      });
      return (await findSubmission(prisma, id))!;
    },

    /**
     * The student's appeal: once per submission (409 for a second), of a completed result
     * (409 before), within the window counted from the result they see (422 after it). The
     * appeal's workflow starts after the commit; if Temporal cannot be reached, the reconciler
     * starts it.
     */
    async appeal(id: string, student: Principal, reason: string) {
      await visible(id, student);
      const windowDays = config.moderation.appealWindowDays;
      const appeal = await prisma
        .$transaction(async (tx) => {
          const current = await currentResult(tx, id);
          if (!current) throw new NotFoundError('No submission with this id.');
          const existing = await tx.appeal.findUnique({ where: { submissionId: id }, select: { createdAt: true } });
          if (existing) throw new ConflictError(`This result was already appealed, on ${existing.createdAt.toISOString()}; a result is appealed once.`);
          if (current.status !== 'completed' || !current.result) throw new ConflictError(`Only a completed result can be appealed; this submission is ${current.status}.`);
          if (windowDays === 0) throw new ValidationError([{ field: 'body', message: 'appeals are not accepted' }], 'This platform does not accept appeals.');
          const closes = new Date(current.result.createdAt.getTime() + windowDays * dayMs);
          if (closes <= new Date()) {
            throw new ValidationError([{ field: 'body', message: `the appeal window closed at ${closes.toISOString()}` }], `Results can be appealed within ${windowDays} days; this one's window closed at ${closes.toISOString()}.`);
          }
          const created = await tx.appeal.create({ data: { submissionId: id, studentId: student.id, reason, appealedVersion: current.result.version } });
          await appendEvent(tx, id, 'appeal_opened', { appealId: created.id, version: created.appealedVersion });
          await recordAudit(tx, { actorId: student.id, action: 'appeal.opened', submissionId: id, subjectId: created.id, after: { reason, version: created.appealedVersion } });
          return created;
        })
        .catch((error: unknown) => {
          // A concurrent appeal of the same submission won the race.
          if ((error as { code?: string }).code === 'P2002') throw new ConflictError('This result was already appealed; a result is appealed once.');
          throw error;
        });
      await starter.startAppeal(appeal.id).catch((error: unknown) => logger.error({ err: error, appealId: appeal.id }, 'could not start the appeal; the reconciler will retry'));
      return appeal;
    },
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
