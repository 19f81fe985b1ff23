// Starts grading for submissions that were stored but whose workflow start was never recorded
// (Temporal was unreachable at submit time, or the API stopped in between). Safe to run
// anywhere, any number of times: the workflow id is deterministic, so a second start is a no-op.
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import type { StartableSubmission } from './starter.ts';

export interface ReconcilerDeps {
  prisma: PrismaClient;
  logger: Logger;
  startGrading: (submission: StartableSubmission) => Promise<boolean>;
  /** Starts an appeal's workflow (see createGradingStarter); absent: appeals are not reconciled. */
  startAppeal?: (appealId: string) => Promise<boolean>;
}

export async function reconcilePending(
  deps: ReconcilerDeps,
  { olderThanSeconds = 15, batch = 100 } = {},
): Promise<number> {
  const { prisma, logger, startGrading } = deps;
  // Only rows with no recorded start: a backlog of started-but-queued submissions costs nothing here.
  const stale = await prisma.submission.findMany({
    where: { status: 'pending', workflowStartedAt: null, updatedAt: { lt: new Date(Date.now() - olderThanSeconds * 1000) } },
    select: { id: true, skill: true, task: true, mode: true, deadlineAt: true, requestId: true, doubleMarked: true },
    orderBy: { createdAt: 'asc' },
    take: batch,
  });
  let started = 0;
  for (const s of stale) {
    try {
      if (await startGrading(s)) started++;
    } catch (error) {
      logger.warn({ err: error, submissionId: s.id }, 'reconciler could not start grading; will retry');
      break; // Temporal is probably still down; try again on the next tick.
    }
  }
  if (started > 0) logger.info({ started }, 'reconciler started grading for pending submissions');
  return started + (await reconcileAppeals(deps, { olderThanSeconds, batch }));
}

/** Starts the workflows of appeals stored while Temporal could not be reached. */
async function reconcileAppeals({ prisma, logger, startAppeal }: ReconcilerDeps, { olderThanSeconds, batch }: { olderThanSeconds: number; batch: number }): Promise<number> {
  if (!startAppeal) return 0;
  const stale = await prisma.appeal.findMany({
    where: { status: 'open', workflowStartedAt: null, createdAt: { lt: new Date(Date.now() - olderThanSeconds * 1000) } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: batch,
  });
  let started = 0;
  for (const { id } of stale) {
    try {
      if (await startAppeal(id)) started++;
    } catch (error) {
      logger.warn({ err: error, appealId: id }, 'reconciler could not start an appeal; will retry');
      break;
    }
  }
  if (started > 0) logger.info({ started }, 'reconciler started appeals');
  return started;
}

/** Runs `reconcilePending` every `intervalSeconds` until the returned stop function is called. */
export function startReconciler(deps: ReconcilerDeps, { intervalSeconds = 15, minAgeSeconds = 15 } = {}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reconcilePending(deps, { olderThanSeconds: minAgeSeconds })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'reconciler pass failed'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
