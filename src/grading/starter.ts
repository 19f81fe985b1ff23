// Starting a submission's grading: one GradeSubmission workflow per submission, id
// grade-<submissionId>, so a second start is refused rather than grading twice. The API starts
// it after committing the row; the workers' reconciler starts what the API could not (Temporal
// unreachable at submit time) and records starts whose write was lost.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { GradingMode, Skill, Task } from '../domain/scores.ts';
import type { Logger } from '../lib/logger.ts';
import type { PrismaClient } from '../lib/prisma.ts';
import { appealWorkflowIdFor, appealWorkflowType, gradeSubmissionWorkflowType, requestIdHeader, workflowIdFor, type AppealInput, type GradeSubmissionInput, type GradingPolicy } from './contract.ts';
import { modeAttribute, skillAttribute, statusAttribute, taskAttribute } from './search-attributes.ts';

export interface GradingStarterDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
}

/** What starting a grading needs to know about a submission. */
export interface StartableSubmission {
  id: string;
  skill: Skill;
  task: Task;
  mode: GradingMode;
  deadlineAt: Date;
  requestId: string | null;
  /** Drawn for a blind second human mark. */
  doubleMarked: boolean;
}

export function gradingPolicy(config: Config): GradingPolicy {
  const g = config.grading;
  return {
    maxRetries: g.maxRetries,
    retryInitialSeconds: g.retryInitialSeconds,
    retryBackoffCapSeconds: g.retryBackoffCapSeconds,
    activityTimeoutSeconds: g.activityTimeoutSeconds,
    routing: g.routing,
    reviewDueSeconds: g.reviewDueSeconds,
    secondOpinion: g.secondOpinion,
    adjudicationThreshold: config.moderation.adjudicationThreshold,
    scoringTaskQueue: config.temporal.scoringTaskQueue,
    transcriptionTaskQueue: config.temporal.transcriptionTaskQueue,
    transcriptionTimeoutSeconds: config.transcription.timeoutSeconds,
  };
}

export function createGradingStarter({ config, prisma, temporal, logger }: GradingStarterDeps) {
  /**
   * Starts the submission's workflow; false when it was already started. `redrive` is an admin
   * re-driving a failed grading, whose earlier run ended normally and would otherwise block it.
   */
  async function start(submission: StartableSubmission, { redrive = false } = {}): Promise<boolean> {
    const input: GradeSubmissionInput = {
      submissionId: submission.id,
      policy: gradingPolicy(config),
      requestId: submission.requestId ?? undefined,
      skill: submission.skill,
      mode: submission.mode,
      deadlineAt: submission.deadlineAt.toISOString(),
      searchAttributes: config.temporal.searchAttributes,
      ...(submission.doubleMarked ? { doubleMarked: true } : {}),
    };
    try {
      // Bounded: with Temporal down a submit answers after this wait, the row left to the reconciler.
      const deadline = Date.now() + config.temporal.startTimeoutSeconds * 1000;
      await temporal.connection.withDeadline(deadline, () =>
        temporal.workflow.start(gradeSubmissionWorkflowType, {
          workflowId: workflowIdFor(submission.id),
          taskQueue: config.temporal.taskQueue,
          args: [input],
          // The request's correlation id travels from the memo into every activity's headers and logs.
          ...(submission.requestId ? { memo: { [requestIdHeader]: submission.requestId } } : {}),
          ...(config.temporal.searchAttributes
            ? {
                typedSearchAttributes: [
                  { key: skillAttribute, value: submission.skill },
                  { key: taskAttribute, value: submission.task },
                  { key: modeAttribute, value: submission.mode },
                  { key: statusAttribute, value: 'pending' },
                ],
              }
            : {}),
          // A finished grading is never repeated; a failed or terminated run may be started anew.
          workflowIdReusePolicy: redrive ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
    await markStarted(submission.id);
    return true;
  }

  /** Records that Temporal has the workflow; if this write is lost, the reconciler records it. */
  async function markStarted(id: string): Promise<void> {
    await prisma.submission
      .updateMany({ where: { id, workflowStartedAt: null }, data: { workflowStartedAt: new Date() } })
      .catch((error: unknown) => logger.warn({ err: error, submissionId: id }, 'could not record the workflow start'));
  }

  /**
   * Starts an appeal's workflow (id appeal-<submissionId>); false when it was already started.
   * Whoever decided any version of the result, or marked it, may not decide the appeal.
   */
  async function startAppeal(appealId: string): Promise<boolean> {
    const appeal = await prisma.appeal.findUnique({
      where: { id: appealId },
      select: { submissionId: true, status: true, submission: { select: { skill: true, marks: { select: { graderId: true } }, results: { select: { graderId: true } } } } },
    });
    if (!appeal || appeal.status !== 'open') return false;
    const deciders = [...appeal.submission.marks, ...appeal.submission.results].map((r) => r.graderId).filter((id): id is string => id !== null);
    const input: AppealInput = {
      appealId,
      submissionId: appeal.submissionId,
      skill: appeal.submission.skill,
      policy: gradingPolicy(config),
      excludedGraderIds: [...new Set(deciders)],
    };
    try {
      const deadline = Date.now() + config.temporal.startTimeoutSeconds * 1000;
      await temporal.connection.withDeadline(deadline, () =>
        temporal.workflow.start(appealWorkflowType, {
          workflowId: appealWorkflowIdFor(appeal.submissionId),
          taskQueue: config.temporal.taskQueue,
          args: [input],
          // One appeal per submission, ever.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await prisma.appeal
      .updateMany({ where: { id: appealId, workflowStartedAt: null }, data: { workflowStartedAt: new Date() } })
      .catch((error: unknown) => logger.warn({ err: error, appealId }, 'could not record the appeal workflow start'));
    return true;
  }

  return {
    start,
    startAppeal,

    /** Starts grading; if Temporal is unreachable the row stays pending for the reconciler. */
    async startOrLeaveToReconciler(submission: StartableSubmission, options?: { redrive?: boolean }): Promise<void> {
      try {
        await start(submission, options);
      } catch (error) {
        logger.error({ err: error, submissionId: submission.id }, 'could not start grading; the reconciler will retry');
      }
    },

    /**
     * For the reconciler: starts grading for a stored submission with no recorded start. A run
     * that is already going (the start was not recorded) is recorded; a closed run with the row
     * still pending is an earlier run of a re-driven submission, so a new run is started.
     */
    async resume(submission: StartableSubmission): Promise<boolean> {
      if (await start(submission)) return true;
      const { status } = await temporal.workflow.getHandle(workflowIdFor(submission.id)).describe();
      if (status.name === 'RUNNING') {
        await markStarted(submission.id);
        return false;
      }
      // The run is closed, so whatever it wrote is committed: a row still pending was re-driven.
      const row = await prisma.submission.findUnique({ where: { id: submission.id }, select: { status: true, workflowStartedAt: true } });
      if (row?.status !== 'pending' || row.workflowStartedAt) return false;
      return start(submission, { redrive: true });
    },
  };
}

export type GradingStarter = ReturnType<typeof createGradingStarter>;
