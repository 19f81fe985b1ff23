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
} from '../src/grading/contract.ts';
import { decisionProblems } from '../src/grading/review-decision.ts';
import { reviewPriorityAttribute, statusAttribute } from '../src/grading/search-attributes.ts';
import { activitiesFor } from './activity-options.ts';

/** The grading's state, its activities, its query and update handlers, and the helpers every step uses. */
export function grading(input: GradeSubmissionInput) {
  const state: GradingState = { phase: 'starting', slaBreached: false, review: null, overall: null, transcription: null };
  let decision: ReviewDecision | undefined;
  let output: GradeSubmissionOutput | undefined;
  // Ops filter gradings in the Web UI by these; skill, task and mode were set at start.
  const show = (status: string, priority?: string) => {
    if (!input.searchAttributes) return;
    upsertSearchAttributes([{ key: statusAttribute, value: status }, ...(priority ? [{ key: reviewPriorityAttribute, value: priority }] : [])]);
  };
  const acts = activitiesFor(input.policy);

  setHandler(gradingStateQuery, () => state);
  setHandler(
    completeReviewUpdate,
    async (d) => {
      // Two updates delivered together both pass the validator before either handler runs.
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
    finish: (o: GradeSubmissionOutput) => (output = o),
    moveTo(phase: GradingState['phase'], status: string) {
      state.phase = phase;
      show(status);
    },
    /** Raises the open review to high priority: overdue, or the SLA breached while it waits. */
    async escalate(reason: 'review_overdue' | 'sla_breached') {
      await acts.store.escalateReview(input.submissionId, reason);
      state.review = { ...state.review!, priority: 'high', escalated: true };
      show('review_pending', 'high');
    },
    openedReview(review: NonNullable<GradingState['review']>) {
      state.review = review;
      state.phase = 'awaiting_review';
      show('review_pending', review.priority);
    },
  };
}

export type Grading = ReturnType<typeof grading>;

const refusal = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
