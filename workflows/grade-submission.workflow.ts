// GradeSubmission: one durable workflow per submission (id grade-<submissionId>).
// It holds decisions and timers only; every side effect is an activity.
import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { GradingActivities } from '../activities/index.ts';
import {
  failureTypes,
  type GradeSubmissionInput,
  type GradeSubmissionOutput,
  type GradingPolicy,
} from './grade-submission.types.ts';

const nonRetryable = Object.values(failureTypes);

function activitiesFor(policy: GradingPolicy) {
  const base = {
    startToCloseTimeout: `${policy.activityTimeoutSeconds} seconds`,
    retry: {
      initialInterval: `${policy.retryInitialSeconds} seconds`,
      backoffCoefficient: 2,
      maximumInterval: `${policy.retryBackoffCapSeconds} seconds`,
      nonRetryableErrorTypes: nonRetryable,
    },
  } as const;
  return {
    // Calls to scoring providers: bounded by GRADING_MAX_RETRIES.
    provider: proxyActivities<GradingActivities>({
      ...base,
      retry: { ...base.retry, maximumAttempts: policy.maxRetries + 1 },
    }),
    // Writes to our own database: no attempt limit, so an outage of Postgres delays grading but
    // never loses or half-finishes it.
    store: proxyActivities<GradingActivities>(base),
  };
}

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function gradeSubmission(input: GradeSubmissionInput): Promise<GradeSubmissionOutput> {
  const { submissionId } = input;
  const { provider, store } = activitiesFor(input.policy);
  try {
    await store.markProcessing(submissionId);
    let draft;
    try {
      draft = await provider.scoreSubmission(submissionId);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || failureType(error) === failureTypes.submissionGone) throw error;
      const reason = `scoring failed: ${describe(error)}`;
      log.warn('grading failed', { submissionId, reason });
      await store.markFailed(submissionId, reason);
      return { submissionId, status: 'failed' };
    }
    await store.completeWithResult(submissionId, draft);
    return { submissionId, status: 'completed', overall: draft.overall };
  } catch (error) {
    // Deleted mid-flight: nothing left to grade.
    if (failureType(error) === failureTypes.submissionGone) return { submissionId, status: 'deleted' };
    throw error;
  }
}
