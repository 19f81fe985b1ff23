// Activities of the human-review step. Each is safe to retry: review tasks are unique per
// submission, results unique per (submission, source), status moves idempotent.
import { priorityFor, type ReviewPriority } from '../src/domain/routing.ts';
import { criteriaFor, levelFor, overallScore, type Skill } from '../src/domain/scores.ts';
import { gradingDuration, reviewEscalations, reviewWait, slaBreaches } from '../src/lib/metrics.ts';
import type { Prisma, PrismaClient } from '../src/lib/prisma.ts';
import { looksLikeInjection } from '../src/scoring/injection.ts';
import { appendEvent, transition } from '../src/submissions/submission.repository.ts';
import type { ReviewDecision, ScoreDraft } from '../src/grading/contract.ts';
import { resultRows } from './persistence.activities.ts';
import { asActivityFailure } from './store-failures.ts';

export interface ReviewDeps {
  prisma: PrismaClient;
}

export interface OpenReviewInput {
  reasons: string[];
  priority: ReviewPriority;
  dueAt: string;
  /** The AI draft, kept for the grader and for audit; null when there is none. */
  draft: ScoreDraft | null;
  /** Why there is no draft, in words, for the grader. */
  note?: string;
}

export interface OpenedReview {
  reviewId: string;
  reasons: string[];
  priority: ReviewPriority;
}

/**
 * Whether the stored essay or transcript, or a free-practice prompt (the student's own), tries to
 * instruct the grader: the detector every scorer uses.
 */
async function steers(tx: Prisma.TransactionClient, submissionId: string): Promise<boolean> {
  const s = await tx.submission.findUnique({
    where: { id: submissionId },
    select: { text: true, prompt: true, examTaskId: true, transcript: { select: { text: true } } },
  });
  if (!s) return false;
  const studentWrote = [s.text ?? s.transcript?.text, s.examTaskId === null ? s.prompt : undefined];
  return studentWrote.some((text) => text !== undefined && looksLikeInjection(text));
}

export function createReviewActivities({ prisma }: ReviewDeps) {
  return {
    /**
     * Opens the review (once). A response no scorer read (human mode, or scoring failed) is
     * screened here, so a steering attempt reaches the grader flagged, at high priority, in every
     * mode. Answers the reasons and priority the review opened with.
     */
    async openReview(submissionId: string, input: OpenReviewInput): Promise<OpenedReview> {
      return asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const existing = await tx.reviewTask.findUnique({ where: { submissionId }, select: { id: true, reasons: true, priority: true } });
          if (existing) return { reviewId: existing.id, reasons: existing.reasons, priority: existing.priority };
          const reasons = input.reasons.includes('prompt_injection') || !(await steers(tx, submissionId)) ? input.reasons : [...input.reasons, 'prompt_injection'];
          const priority = reasons === input.reasons ? input.priority : priorityFor(reasons);
          if (input.draft) {
            await tx.gradingResult.create({
              data: { ...resultRows(submissionId, input.draft, { isFinal: false, reasons }) },
            });
          }
          const review = await tx.reviewTask.create({
            data: { submissionId, priority, reasons, note: input.note?.slice(0, 2000), dueAt: new Date(input.dueAt) },
          });
          await transition(tx, submissionId, 'review_pending', {
            eventData: { reviewId: review.id, priority, reasons, ...(input.note ? { note: input.note } : {}) },
          });
          return { reviewId: review.id, reasons, priority };
        }),
      );
    },

    /** Raises an open review to high priority (overdue or SLA breached); recorded once per reason. */
    async escalateReview(submissionId: string, reason: 'review_overdue' | 'sla_breached'): Promise<void> {
      let escalated = false;
      await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const review = await tx.reviewTask.findUnique({ where: { submissionId } });
          if (!review || review.status === 'completed' || review.reasons.includes(reason)) return;
          await tx.reviewTask.update({
            where: { id: review.id },
            data: { priority: 'high', reasons: { push: reason } },
          });
          await appendEvent(tx, submissionId, 'review_escalated', { reviewId: review.id, reason, from: review.priority, to: 'high' });
          escalated = true;
        }),
      );
      if (escalated) reviewEscalations.inc({ reason });
    },

    async recordSlaBreach(submissionId: string): Promise<void> {
      const marked = await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const { count } = await tx.submission.updateMany({ where: { id: submissionId, slaBreached: false }, data: { slaBreached: true } });
          if (count === 1) await appendEvent(tx, submissionId, 'sla_breached', {});
          return count === 1;
        }),
      );
      if (marked) slaBreaches.inc();
    },

    /** Stores the grader's result as final (the AI draft stays beside it) and completes. */
    async completeReview(submissionId: string, decision: ReviewDecision): Promise<{ overall: number }> {
      let timing: { skill: string; createdAt: Date; review: { createdAt: Date; priority: string } | null } | undefined;
      const done = await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const submission = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { skill: true } });
          const names = criteriaFor[submission.skill as Skill];
          const criteria = Object.fromEntries(names.map((n) => [n, decision.criteria[n]!]));
          const overall = overallScore(criteria);
          const moved = await transition(tx, submissionId, 'completed', {
            idempotent: true,
            eventData: { overall, level: levelFor(overall), source: 'human', graderId: decision.graderId },
          });
          if (!moved) return { overall };
          timing = {
            skill: submission.skill,
            ...(await tx.submission.findUniqueOrThrow({
              where: { id: submissionId },
              select: { createdAt: true, review: { select: { createdAt: true, priority: true } } },
            })),
          };
          await tx.gradingResult.create({
            data: {
              submission: { connect: { id: submissionId } },
              source: 'human',
              isFinal: true,
              overall,
              level: levelFor(overall),
              feedback: decision.feedback ?? '',
              provider: 'human',
              scorerVersion: 'human-review',
              graderId: decision.graderId,
              criteria: {
                create: names.map((criterion) => ({
                  criterion,
                  score: decision.criteria[criterion]!.score,
                  evidence: [],
                  feedback: decision.criteria[criterion]!.feedback ?? null,
                })),
              },
            },
          });
          await tx.reviewTask.update({
            where: { submissionId },
            data: { status: 'completed', completedAt: new Date(), leaseExpiresAt: null },
          });
          return { overall };
        }),
      );
      // Counted once the result is committed (a rolled-back attempt is retried, not counted).
      if (timing) {
        const now = Date.now();
        gradingDuration.observe({ skill: timing.skill, provider: 'human', source: 'human' }, (now - timing.createdAt.getTime()) / 1000);
        if (timing.review) reviewWait.observe({ priority: timing.review.priority }, (now - timing.review.createdAt.getTime()) / 1000);
      }
      return done;
    },
  };
}
