// What every step of GradeSubmission shares: the grading's live state (answered by the
// gradingState query), its activities, the completeReview update with its validator, and the
// helpers that move the phase, show it to ops and escalate an open review.
import { ApplicationFailure, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  completeReviewUpdate,
  gradingStateQuery,
  reviewFailureTypes,
  type GradeSubmissionInput,
  type GradeSubmissionOutput,
  type GradingState,
  type ReviewDecision,
  type ReviewKind,
} from '../src/grading/contract.ts';
import { decisionProblems } from '../src/grading/review-decision.ts';
import { reviewPriorityAttribute, statusAttribute } from '../src/grading/search-attributes.ts';
import { activitiesFor } from './activity-options.ts';

/** The grading's state, its activities, its query and update handlers, and the helpers every step uses. */
export function grading(input: GradeSubmissionInput) {
  const state: GradingState = { phase: 'starting', slaBreached: false, review: null, overall: null, transcription: null };
  let decision: ReviewDecision | undefined;
  let output: GradeSubmissionOutput | undefined;
  // Double marking: each review's decision as it arrives, and the ones stored.
  const marks = new Map<string, ReviewDecision>();
  const recorded = new Set<string>();
  // Ops filter gradings in the Web UI by these; skill, task and mode were set at start.
  const show = (status: string, priority?: string) => {
    if (!input.searchAttributes) return;
    upsertSearchAttributes([{ key: statusAttribute, value: status }, ...(priority ? [{ key: reviewPriorityAttribute, value: priority }] : [])]);
  };
  const acts = activitiesFor(input.policy);

  /** Why this mark of a double-marked submission cannot be taken, if it cannot. */
  const markRefusal = (d: ReviewDecision) => {
    const review = state.reviews?.find((r) => r.reviewId === d.reviewId);
    if (!review) return refusal(reviewFailureTypes.notAwaitingReview, 'this review is not open on the submission');
    if (marks.has(review.reviewId)) return refusal(reviewFailureTypes.notAwaitingReview, 'the review is already completed');
    if ([...marks.values()].some((m) => m.graderId === d.graderId)) {
      return refusal(reviewFailureTypes.alreadyMarked, 'you have already marked this submission; this marking needs another marker');
    }
    return undefined;
  };

  setHandler(gradingStateQuery, () => state);
  setHandler(
    completeReviewUpdate,
    async (d) => {
      if (input.doubleMarked) {
        // Two updates delivered together both pass the validator before either handler runs.
        const refused = markRefusal(d);
        if (refused) throw refused;
        marks.set(d.reviewId!, d);
        // Answered once the mark is stored and the grading has moved on: to the next mark, or done.
        await condition(() => output !== undefined || (recorded.has(d.reviewId!) && state.phase === 'awaiting_review'));
        return output ?? { submissionId: input.submissionId, status: 'review_pending' };
      }
      if (decision !== undefined) throw refusal(reviewFailureTypes.notAwaitingReview, 'the review is already completed');
      decision = d;
      state.phase = 'finishing';
      await condition(() => output !== undefined);
      return output!;
    },
    {
      validator: (d) => {
        if (state.phase !== 'awaiting_review') {
          const done = state.phase === 'finishing' || state.phase === 'completed';
          throw refusal(reviewFailureTypes.notAwaitingReview, done ? 'the review is already completed' : 'the submission is not awaiting review');
        }
        if (input.doubleMarked) {
          const refused = markRefusal(d);
          if (refused) throw refused;
        } else if (d.reviewId !== undefined && state.review && d.reviewId !== state.review.reviewId) {
          throw refusal(reviewFailureTypes.notAwaitingReview, 'this review is not open on the submission');
        }
        const problems = decisionProblems(d, input.skill);
        if (problems.length) throw refusal(reviewFailureTypes.invalidScores, problems.join('; '));
      },
    },
  );

  return {
    input,
    state,
    ...acts,
    decision: () => decision,
    /** Double marking: the decision that arrived for a review, if one has. */
    markFor: (reviewId: string) => marks.get(reviewId),
    markRecorded(reviewId: string) {
      recorded.add(reviewId);
      const review = state.reviews?.find((r) => r.reviewId === reviewId);
      if (review) review.marked = true;
    },
    isRecorded: (reviewId: string) => recorded.has(reviewId),
    finish: (o: GradeSubmissionOutput) => (output = o),
    moveTo(phase: GradingState['phase'], status: string) {
      state.phase = phase;
      show(status);
    },
    /** Raises the open reviews to high priority: overdue, or the SLA breached while they wait. */
    async escalate(reason: 'review_overdue' | 'sla_breached') {
      await acts.store.escalateReview(input.submissionId, reason);
      state.review = { ...state.review!, priority: 'high', escalated: true };
      for (const r of state.reviews ?? []) if (!r.marked) Object.assign(r, { priority: 'high', escalated: true });
      show('review_pending', 'high');
    },
    openedReview(review: NonNullable<GradingState['review']>, kind?: ReviewKind) {
      state.review = review;
      if (kind) state.reviews = [...(state.reviews ?? []), { ...review, kind, marked: false }];
      state.phase = 'awaiting_review';
      show('review_pending', review.priority);
    },
  };
}

export type Grading = ReturnType<typeof grading>;

const refusal = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
