// The grader's review queue. Claims are leases: a claim expires after GRADING_REVIEW_LEASE_SECONDS
// unless renewed, so an abandoned review returns to the queue. Completion goes to the running
// workflow as a Workflow Update, whose validator has the last word on the scores.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Principal } from '../auth/access-tokens.ts';
import type { Config } from '../config/env.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../lib/http/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Prisma, PrismaClient } from '../lib/prisma.ts';
import type { ReviewTask } from '../generated/prisma/client.ts';
import { appealWorkflowIdFor, completeReviewUpdate, reviewFailureTypes, workflowIdFor, type ReviewDecision } from '../grading/contract.ts';
import { findSubmission, type SubmissionRecord } from '../submissions/submission.repository.ts';
import type { ReviewPriority } from '../domain/routing.ts';
import type { ReviewListQuery } from './review.schemas.ts';

export interface ReviewServiceDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
}

/** Markings only a senior may take. */
const seniorsOnly = new Set(['adjudication', 'appeal']);

const notAccepted = (problems: string) => new BadRequestError(`The scores were not accepted: ${problems}.`);

/** The submission fields a queue item carries (see presentQueueItem). */
export const queueSubmissionFields = { skill: true, task: true, mode: true, wordCount: true, doubleMarked: true } as const;

export function createReviewService({ config, prisma, temporal }: ReviewServiceDeps) {
  const leaseMs = config.grading.reviewLeaseSeconds * 1000;

  async function explainRefusal(id: string, grader: Principal): Promise<never> {
    const review = await prisma.reviewTask.findUnique({ where: { id } });
    if (!review) throw new NotFoundError('No review with this id.');
    if (review.status === 'completed') throw new ConflictError('This review is already completed.');
    if (review.status === 'cancelled') throw new ConflictError('This review was cancelled.');
    if (review.claimedById && review.claimedById !== grader.id) {
      throw new ConflictError(`Another grader holds this review until ${review.leaseExpiresAt?.toISOString()}.`);
    }
    throw new ConflictError('Claim this review first (your claim may have expired).');
  }

  /** The review if `grader` holds an unexpired claim on it. */
  async function heldBy(id: string, grader: Principal): Promise<ReviewTask> {
    const review = await prisma.reviewTask.findFirst({
      where: { id, status: 'claimed', claimedById: grader.id, leaseExpiresAt: { gt: new Date() } },
    });
    return review ?? explainRefusal(id, grader);
  }

  return {
    /**
     * The queue, most urgent first, with what the grader needs to pick one (skill, task, mode,
     * length). Counts per priority follow the status and skill filters, not the priority one.
     */
    async list(query: ReviewListQuery) {
      const active: Prisma.ReviewTaskWhereInput = {
        ...(query.status ? { status: query.status } : { status: { in: ['open', 'claimed'] } }),
        ...(query.skill ? { submission: { skill: query.skill } } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
      };
      const [items, grouped] = await Promise.all([
        prisma.reviewTask.findMany({
          where: { ...active, ...(query.priority ? { priority: query.priority } : {}) },
          include: { submission: { select: queueSubmissionFields } },
          // Enum order is low < medium < high, so descending puts high first.
          orderBy: [{ priority: 'desc' }, { dueAt: 'asc' }, { createdAt: 'asc' }],
          take: query.limit,
        }),
        prisma.reviewTask.groupBy({ by: ['priority'], where: active, _count: { _all: true } }),
      ]);
      const count = (p: ReviewPriority) => grouped.find((g) => g.priority === p)?._count._all ?? 0;
      const counts = { high: count('high'), medium: count('medium'), low: count('low') };
      return { items, counts };
    },

    /**
     * Claims (or renews) a lease on an open review, or one whose lease has run out. Each marking
     * of a submission needs its own marker: whoever marked it, or holds another of its markings,
     * is refused (409); adjudications and appeals are for seniors. Claims on one submission's
     * markings are taken one at a time, so two tabs cannot take both marks.
     */
    async claim(id: string, grader: Principal): Promise<ReviewTask> {
      const review = await prisma.reviewTask.findUnique({ where: { id }, select: { submissionId: true, kind: true } });
      if (!review) throw new NotFoundError('No review with this id.');
      if (seniorsOnly.has(review.kind) && grader.role !== 'senior') {
        throw new ForbiddenError(`${review.kind === 'appeal' ? 'An appeal' : 'An adjudication'} is decided by a senior.`);
      }
      const claimed = await prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`review-claims:${review.submissionId}`}))`;
        // Marked it, holds or once held another of its markings (and so read what that one shows).
        const other = await tx.reviewTask.findFirst({
          where: { submissionId: review.submissionId, id: { not: id }, OR: [{ mark: { graderId: grader.id } }, { claimedById: grader.id }, { heldBy: { has: grader.id } }] },
          select: { kind: true, status: true, claimedById: true },
        });
        if (other) {
          throw new ConflictError(
            other.status === 'claimed' && other.claimedById === grader.id
              ? `You hold the ${other.kind} marking of this submission; another marker takes this one.`
              : `You already marked this submission, or held its ${other.kind} marking; another marker takes this one.`,
          );
        }
        // An appeal is decided by someone who decided no version of the result (an override included).
        if (review.kind === 'appeal' && (await tx.gradingResult.findFirst({ where: { submissionId: review.submissionId, graderId: grader.id }, select: { id: true } }))) {
          throw new ConflictError('You already marked this submission, or decided a version of its result; another senior decides its appeal.');
        }
        const now = new Date();
        return tx.reviewTask.updateMany({
          where: {
            id,
            OR: [
              { status: 'open' },
              { status: 'claimed', claimedById: grader.id },
              { status: 'claimed', leaseExpiresAt: { lt: now } },
            ],
          },
          data: { status: 'claimed', claimedById: grader.id, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
        }).then(async (claimed) => {
          if (claimed.count === 1) await tx.$executeRaw`UPDATE review_tasks SET held_by = array_append(held_by, ${grader.id}::uuid) WHERE id = ${id}::uuid AND NOT (${grader.id}::uuid = ANY(held_by))`;
          return claimed;
        });
      });
      if (claimed.count === 0) return explainRefusal(id, grader);
      return prisma.reviewTask.findUniqueOrThrow({ where: { id } });
    },

    async release(id: string, grader: Principal): Promise<ReviewTask> {
      const released = await prisma.reviewTask.updateMany({
        where: { id, status: 'claimed', claimedById: grader.id },
        data: { status: 'open', claimedById: null, leaseExpiresAt: null },
      });
      if (released.count === 0) return explainRefusal(id, grader);
      return prisma.reviewTask.findUniqueOrThrow({ where: { id } });
    },

    /**
     * Delivers the grader's scores to the running workflow, whose validator checks them against
     * the submission's skill (src/grading/review-decision.ts) before anything is written; returns
     * the completed submission.
     */
    async complete(id: string, grader: Principal, body: Omit<ReviewDecision, 'graderId' | 'reviewId'>): Promise<SubmissionRecord | null> {
      const review = await heldBy(id, grader);
      // The role is checked again: a senior demoted while holding an adjudication cannot finish it.
      if (seniorsOnly.has(review.kind) && grader.role !== 'senior') throw new ForbiddenError('Only a senior decides this marking.');
      // An appeal is decided by its own workflow; every other marking by the grading's.
      const workflowId = review.kind === 'appeal' ? appealWorkflowIdFor(review.submissionId) : workflowIdFor(review.submissionId);
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        await handle.executeUpdate(completeReviewUpdate, { args: [{ graderId: grader.id, reviewId: review.id, ...body }] });
      } catch (error) {
        const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === reviewFailureTypes.invalidScores) throw notAccepted(cause.message);
        if (cause instanceof ApplicationFailure && (cause.type === reviewFailureTypes.notAwaitingReview || cause.type === reviewFailureTypes.alreadyMarked)) {
          throw new ConflictError(`This review cannot be completed: ${cause.message}.`);
        }
        if (error instanceof WorkflowNotFoundError) throw new ConflictError('This review is already completed.');
        throw error;
      }
      return findSubmission(prisma, review.submissionId);
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
