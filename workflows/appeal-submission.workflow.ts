// AppealSubmission: one durable workflow per appeal (id appeal-<submissionId>, so a submission is
// appealed once). It opens a review for a senior who has decided no version of the result,
// escalates it once it is overdue, and records the decision: upheld, or a new version of the
// result. The grading workflow has finished by then; an appeal is its own process.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { appealStateQuery, completeReviewUpdate, reviewFailureTypes, type AppealInput, type AppealOutput, type AppealState, type ReviewDecision } from '../src/grading/contract.ts';
import { decisionProblems } from '../src/grading/review-decision.ts';
import { activitiesFor, isGone } from './activity-options.ts';

export async function appealSubmission(input: AppealInput): Promise<AppealOutput> {
  const { appealId, submissionId, policy } = input;
  const { store } = activitiesFor(policy);
  const state: AppealState = { phase: 'opening', review: null };
  let decision: ReviewDecision | undefined;
  let output: AppealOutput | undefined;

  setHandler(appealStateQuery, () => state);
  setHandler(
    completeReviewUpdate,
    async (d) => {
      if (decision !== undefined) throw refusal(reviewFailureTypes.notAwaitingReview, 'the appeal is already decided');
      decision = d;
      state.phase = 'deciding';
      await condition(() => output !== undefined);
      return { submissionId, status: output!.status === 'deleted' ? 'deleted' : 'completed', source: 'appeal' };
    },
    {
      validator: (d) => {
        if (state.phase !== 'awaiting_review') {
          throw refusal(reviewFailureTypes.notAwaitingReview, state.phase === 'opening' ? 'the appeal review is not open yet' : 'the appeal is already decided');
        }
        if (d.reviewId !== undefined && d.reviewId !== state.review!.reviewId) throw refusal(reviewFailureTypes.notAwaitingReview, 'this review is not open on the submission');
        if (input.excludedGraderIds.includes(d.graderId)) {
          throw refusal(reviewFailureTypes.alreadyMarked, 'you marked or decided this result; its appeal is decided by another senior');
        }
        const problems = decisionProblems(d, input.skill);
        if (problems.length) throw refusal(reviewFailureTypes.invalidScores, problems.join('; '));
      },
    },
  );

  try {
    const { reviewId } = await store.openAppealReview(submissionId, appealId, policy.reviewDueSeconds);
    state.review = { reviewId, dueAt: new Date(Date.now() + policy.reviewDueSeconds * 1000).toISOString(), escalated: false };
    state.phase = 'awaiting_review';
    if (!(await condition(() => decision !== undefined, policy.reviewDueSeconds * 1000))) {
      await store.escalateReview(submissionId, 'review_overdue');
      state.review.escalated = true;
      await condition(() => decision !== undefined);
    }
    const outcome = await store.decideAppeal(submissionId, appealId, { ...decision!, reviewId });
    state.phase = 'decided';
    return (output = { appealId, ...outcome });
  } catch (error) {
    if (isGone(error)) return (output = { appealId, status: 'deleted' });
    throw error;
  }
}

const refusal = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
