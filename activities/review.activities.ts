// Activities of the human-review step. Each is safe to retry: review tasks are unique per
// submission, results unique per (submission, source), status moves idempotent.
import { blindReasons } from '../src/domain/moderation.ts';
import { priorityFor, type ReviewPriority } from '../src/domain/routing.ts';
import { criteriaFor, levelFor, overallScore, type Skill } from '../src/domain/scores.ts';
import { gradingDuration, reviewEscalations, reviewWait, slaBreaches } from '../src/lib/metrics.ts';
import type { Prisma, PrismaClient } from '../src/lib/prisma.ts';
import { looksLikeInjection } from '../src/scoring/injection.ts';
import { appendEvent, transition } from '../src/submissions/submission.repository.ts';
import type { ResultSource, ReviewDecision, ReviewKind, ScoreDraft } from '../src/grading/contract.ts';
import { recordAudit } from '../src/audit/audit.ts';
import { resultRows } from './persistence.activities.ts';
import { asActivityFailure } from './store-failures.ts';

export interface ReviewDeps {
  prisma: PrismaClient;
}

export interface OpenReviewInput {
  /** Which marking; absent in older runs, where the one review is the first. */
  kind?: ReviewKind;
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
          const kind = input.kind ?? 'first';
          const existing = await tx.reviewTask.findUnique({ where: { submissionId_kind: { submissionId, kind } }, select: { id: true, reasons: true, priority: true } });
          if (existing) return { reviewId: existing.id, reasons: existing.reasons, priority: existing.priority };
          // The first review is where the response is first read by a person: screened then.
          const screen = kind === 'first' && !input.reasons.includes('prompt_injection') && (await steers(tx, submissionId));
          const reasons = screen ? [...input.reasons, 'prompt_injection'] : input.reasons;
          const priority = reasons === input.reasons ? input.priority : priorityFor(reasons);
          if (input.draft) {
            await tx.gradingResult.create({
              data: { ...resultRows(submissionId, input.draft, { isFinal: false, reasons }) },
            });
          }
          const review = await tx.reviewTask.create({
            data: { submissionId, kind, priority, reasons, note: input.note?.slice(0, 2000), dueAt: new Date(input.dueAt) },
          });
          // A double-marked answer's feed is read by both markers: no reasons that hint at the AI's scores.
          // An adjudication's reasons (the marks disagree) would tell each marker about the other's.
          const shown = kind === 'adjudication' ? [] : input.kind ? blindReasons(reasons) : reasons;
          const eventData = { reviewId: review.id, ...(input.kind ? { kind } : {}), priority, reasons: shown, ...(input.note ? { note: input.note } : {}) };
          // Later markings open while the submission already waits for review.
          if (kind === 'first') await transition(tx, submissionId, 'review_pending', { eventData });
          else await appendEvent(tx, submissionId, 'review_opened', eventData);
          return { reviewId: review.id, reasons, priority };
        }),
      );
    },

    /** Raises the submission's waiting reviews to high priority (overdue or SLA breached); recorded once per reason. */
    async escalateReview(submissionId: string, reason: 'review_overdue' | 'sla_breached'): Promise<void> {
      let escalated = 0;
      await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          escalated = 0;
          // The submission row first, as every other write of a grading locks it: no lock-order deadlock.
          if (!(await tx.$queryRaw<unknown[]>`SELECT id FROM submissions WHERE id = ${submissionId}::uuid FOR UPDATE`).length) return;
          const waiting = await tx.reviewTask.findMany({ where: { submissionId, status: { in: ['open', 'claimed'] }, NOT: { reasons: { has: reason } } }, orderBy: { createdAt: 'asc' } });
          for (const review of waiting) {
            await tx.reviewTask.update({
              where: { id: review.id },
              data: { priority: 'high', reasons: { push: reason } },
            });
            await appendEvent(tx, submissionId, 'review_escalated', { reviewId: review.id, reason, from: review.priority, to: 'high' });
            escalated++;
          }
        }),
      );
      if (escalated) reviewEscalations.inc({ reason }, escalated);
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
          const submission = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { skill: true, createdAt: true } });
          const names = criteriaFor[submission.skill as Skill];
          const criteria = Object.fromEntries(names.map((n) => [n, decision.criteria[n]!]));
          const overall = overallScore(criteria);
          const moved = await transition(tx, submissionId, 'completed', {
            idempotent: true,
            eventData: { overall, level: levelFor(overall), source: 'human', graderId: decision.graderId },
          });
          if (!moved) return { overall };
          const review = await tx.reviewTask.findUniqueOrThrow({ where: { submissionId_kind: { submissionId, kind: 'first' } }, select: { id: true, createdAt: true, priority: true } });
          timing = { skill: submission.skill, createdAt: submission.createdAt, review };
          await storeMark(tx, submissionId, { ...decision, reviewId: review.id, kind: 'first' }, names);
          await storeFinal(tx, submissionId, { source: 'human', criteria, feedback: decision.feedback ?? '', graderId: decision.graderId }, names);
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

    /**
     * Stores one mark of a double-marked submission and completes its review; the submission
     * stays in review until the workflow decides what the marks make. The event names the review,
     * never the scores: other markers read the same feed.
     */
    async recordMark(submissionId: string, mark: ReviewDecision & { reviewId: string; kind: ReviewKind }): Promise<{ overall: number }> {
      let waited: { createdAt: Date; priority: string } | undefined;
      const done = await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const existing = await tx.mark.findUnique({ where: { reviewId: mark.reviewId }, select: { overall: true } });
          if (existing) return { overall: Number(existing.overall) };
          const { skill } = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { skill: true } });
          const overall = await storeMark(tx, submissionId, mark, criteriaFor[skill as Skill]);
          await appendEvent(tx, submissionId, 'mark_recorded', { reviewId: mark.reviewId, kind: mark.kind });
          waited = await tx.reviewTask.findUniqueOrThrow({ where: { id: mark.reviewId }, select: { createdAt: true, priority: true } });
          return { overall };
        }),
      );
      if (waited) reviewWait.observe({ priority: waited.priority }, (Date.now() - waited.createdAt.getTime()) / 1000);
      return done;
    },

    /** Completes a double-marked submission with the result its marks made (averaged or adjudicated). */
    async finishModeration(submissionId: string, final: FinalScores): Promise<{ overall: number }> {
      let timing: { skill: string; createdAt: Date } | undefined;
      const done = await asActivityFailure(prisma, submissionId, () =>
        prisma.$transaction(async (tx) => {
          const submission = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { skill: true, createdAt: true } });
          const names = criteriaFor[submission.skill as Skill];
          const overall = overallScore(final.criteria);
          const moved = await transition(tx, submissionId, 'completed', {
            idempotent: true,
            eventData: { overall, level: levelFor(overall), source: final.source, ...(final.graderId ? { graderId: final.graderId } : {}) },
          });
          if (!moved) return { overall };
          timing = submission;
          await storeFinal(tx, submissionId, final, names);
          return { overall };
        }),
      );
      if (timing) gradingDuration.observe({ skill: timing.skill, provider: 'human', source: final.source }, (Date.now() - timing.createdAt.getTime()) / 1000);
      return done;
    },
  };
}

/** A final result as people decided it: who (null when the platform averaged two marks) and the scores. */
export interface FinalScores {
  source: Extract<ResultSource, 'human' | 'double_marked' | 'adjudicated'>;
  criteria: Record<string, { score: number; feedback?: string }>;
  feedback: string;
  graderId: string | null;
}

type Scores = Record<string, { score: number; feedback?: string }>;

/** Only the skill's criteria, in its order (the validator has checked they are all there). */
const pick = (criteria: Scores, names: readonly string[]): Scores =>
  Object.fromEntries(names.map((n) => [n, { score: criteria[n]!.score, ...(criteria[n]!.feedback ? { feedback: criteria[n]!.feedback } : {}) }]));

/** A human mark, its review completed, and its audit record. Answers the mark's overall. */
export async function storeMark(tx: Prisma.TransactionClient, submissionId: string, mark: ReviewDecision & { reviewId: string; kind: ReviewKind }, names: readonly string[]): Promise<number> {
  const criteria = pick(mark.criteria, names);
  const overall = overallScore(criteria);
  const level = levelFor(overall);
  // A marker whose account was deleted meanwhile: the mark stands without its grader (the audit
  // record keeps the id), rather than a retry that can never succeed.
  const grader = await tx.user.findUnique({ where: { id: mark.graderId }, select: { id: true } });
  await tx.mark.create({
    data: { submissionId, reviewId: mark.reviewId, kind: mark.kind, graderId: grader?.id ?? null, overall, level, feedback: mark.feedback ?? '', criteria },
  });
  await tx.reviewTask.update({ where: { id: mark.reviewId }, data: { status: 'completed', completedAt: new Date(), leaseExpiresAt: null } });
  await recordAudit(tx, {
    actorId: mark.graderId,
    action: 'mark.recorded',
    submissionId,
    subjectId: mark.reviewId,
    after: { kind: mark.kind, overall, level, criteria, feedback: mark.feedback ?? '' },
  });
  return overall;
}

/** The first final result (version 1) of a submission people marked, and its audit record. */
async function storeFinal(tx: Prisma.TransactionClient, submissionId: string, final: FinalScores, names: readonly string[]): Promise<void> {
  const criteria = pick(final.criteria, names);
  const overall = overallScore(criteria);
  const level = levelFor(overall);
  await tx.gradingResult.create({
    data: {
      submission: { connect: { id: submissionId } },
      version: 1,
      source: final.source,
      isFinal: true,
      overall,
      level,
      feedback: final.feedback,
      provider: 'human',
      scorerVersion: 'human-review',
      graderId: final.graderId,
      criteria: { create: names.map((criterion) => ({ criterion, score: criteria[criterion]!.score, evidence: [], feedback: criteria[criterion]!.feedback ?? null })) },
    },
  });
  await recordAudit(tx, { actorId: final.graderId, action: 'result.finalised', submissionId, after: { version: 1, source: final.source, overall, level, criteria } });
}
