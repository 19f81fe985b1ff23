// Double marking, the GradeSubmission step for a submission drawn for it: a first and a blind
// second human mark, each its own review; two marks that agree make the final result (their
// criterion-wise mean), two that do not go to a senior, whose adjudication is final.
import { condition } from '@temporalio/workflow';
import { blindReasons, joinFeedback, moderate } from '../src/domain/moderation.ts';
import { priorityFor } from '../src/domain/routing.ts';
import { overallScore } from '../src/domain/scores.ts';
import type { OpenedReview } from '../activities/review.activities.ts';
import type { ReviewKind, ScoreDraft } from '../src/grading/contract.ts';
import type { NoDraft } from './activity-options.ts';
import type { Grading } from './grading-context.ts';

export async function doubleMark(g: Grading, routedReasons: string[], draft: ScoreDraft | undefined, failure: NoDraft | undefined) {
  const { submissionId, skill, policy } = g.input;
  const reasons = g.state.slaBreached ? [...routedReasons, 'sla_breached'] : routedReasons;
  const note = failure ? { note: failure.reason } : {};
  // The AI draft goes with the first review only; the second marker sees neither it nor the
  // routing reasons that hint at its scores.
  const first = await open(g, 'first', { reasons, priority: priorityFor(reasons), draft: draft ?? null, ...note });
  // The SLA may have passed while the first opened: the second starts escalated too.
  const late = g.state.slaBreached && !first.reasons.includes('sla_breached');
  const secondReasons = ['second_marking', ...blindReasons(first.reasons), ...(late ? ['sla_breached'] : [])];
  const second = await open(g, 'second', { reasons: secondReasons, priority: late ? 'high' : first.priority, draft: null, ...note });
  await collectMarks(g, [first.reviewId, second.reviewId]);

  const a = g.markFor(first.reviewId)!;
  const b = g.markFor(second.reviewId)!;
  const outcome = moderate(skill, a.criteria, b.criteria, policy.adjudicationThreshold ?? 1);
  if (!outcome.adjudicate) {
    await g.store.finishModeration(submissionId, { source: 'double_marked', criteria: outcome.criteria, feedback: joinFeedback(a.feedback, b.feedback), graderId: null });
    return { overall: outcome.overall, source: 'double_marked' as const };
  }
  const adjudication = await open(g, 'adjudication', { reasons: outcome.reasons, priority: 'high', draft: null });
  await collectMarks(g, [adjudication.reviewId]);
  const decided = g.markFor(adjudication.reviewId)!;
  await g.store.finishModeration(submissionId, { source: 'adjudicated', criteria: decided.criteria, feedback: decided.feedback ?? '', graderId: decided.graderId });
  return { overall: overallScore(decided.criteria), source: 'adjudicated' as const };
}

async function open(g: Grading, kind: ReviewKind, review: { reasons: string[]; priority: OpenedReview['priority']; draft: ScoreDraft | null; note?: string }) {
  const dueAt = new Date(Date.now() + g.input.policy.reviewDueSeconds * 1000).toISOString();
  const opened = await g.store.openReview(g.input.submissionId, { ...review, kind, dueAt });
  g.openedReview({ reviewId: opened.reviewId, priority: opened.priority, reasons: opened.reasons, dueAt, escalated: false }, kind);
  return opened;
}

/**
 * Stores each mark as it arrives (in arrival order), until every review named has one. Reviews
 * still waiting when they fall due are escalated once, and keep waiting.
 */
async function collectMarks(g: Grading, reviewIds: string[]) {
  const dueAt = Date.now() + g.input.policy.reviewDueSeconds * 1000;
  let escalated = false;
  const pending = () => reviewIds.filter((id) => !g.isRecorded(id));
  while (pending().length > 0) {
    const arrived = () => pending().some((id) => g.markFor(id) !== undefined);
    if (escalated) await condition(arrived);
    else if (!(await condition(arrived, Math.max(0, dueAt - Date.now())))) {
      await g.escalate('review_overdue');
      escalated = true;
      continue;
    }
    for (const id of pending()) {
      const mark = g.markFor(id);
      if (!mark) continue;
      // The last mark due: no other can be taken while it is stored and the next step decided.
      if (pending().length === 1) g.state.phase = 'finishing';
      const kind = g.state.reviews!.find((r) => r.reviewId === id)!.kind;
      await g.store.recordMark(g.input.submissionId, { ...mark, reviewId: id, kind });
      g.markRecorded(id);
    }
  }
}
