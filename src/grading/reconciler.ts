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
}

export async function reconcilePending(
  { prisma, logger, startGrading }: ReconcilerDeps,
  { olderThanSeconds = 15, batch = 100 } = {},
): Promise<number> {
  // Only rows with no recorded start: a backlog of started-but-queued submissions costs nothing here.
  const stale = await prisma.submission.findMany({
    where: { status: 'pending', workflowStartedAt: null, updatedAt: { lt: new Date(Date.now() - olderThanSeconds * 1000) } },
    select: { id: true, skill: true, task: true, mode: true, deadlineAt: true, requestId: true },
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
