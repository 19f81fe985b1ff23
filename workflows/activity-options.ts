// How the GradeSubmission workflow calls its activities: retry policies and queues per kind of
// step, and how a step's failure reads to the workflow.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { GradingActivities } from '../activities/index.ts';
import { failureTypes, type GradingPolicy } from '../src/grading/contract.ts';

export function activitiesFor(policy: GradingPolicy) {
  const base = {
    startToCloseTimeout: `${policy.activityTimeoutSeconds} seconds`,
    retry: {
      initialInterval: `${policy.retryInitialSeconds} seconds`,
      backoffCoefficient: 2,
      maximumInterval: `${policy.retryBackoffCapSeconds} seconds`,
      nonRetryableErrorTypes: Object.values(failureTypes),
    },
  } as const;
  const bounded = { ...base.retry, maximumAttempts: policy.maxRetries + 1 };
  return {
    // Calls to scoring providers: bounded by GRADING_MAX_RETRIES, on their own rate-limited queue.
    provider: proxyActivities<Pick<GradingActivities, 'scoreSubmission'>>({ ...base, taskQueue: policy.scoringTaskQueue, retry: bounded }),
    // Speech recognition: its own rate-limited queue, a longer time limit for long recordings,
    // and heartbeats so a worker that died mid-recording is noticed in seconds, not minutes.
    recogniser: proxyActivities<Pick<GradingActivities, 'transcribeSubmission'>>({
      ...base,
      startToCloseTimeout: `${policy.transcriptionTimeoutSeconds} seconds`,
      heartbeatTimeout: '30 seconds',
      taskQueue: policy.transcriptionTaskQueue,
      retry: bounded,
    }),
    // Writes to our own database: no attempt limit, so an outage of Postgres delays grading but
    // never loses or half-finishes it.
    store: proxyActivities<Omit<GradingActivities, 'scoreSubmission' | 'transcribeSubmission'>>(base),
  };
}

/** Why there is no AI draft: a recording without usable speech, a recogniser or scorer that kept failing. */
export interface NoDraft {
  kind: 'unusable_audio' | 'transcription_failed' | 'scoring_failed';
  reason: string;
}

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The submission was deleted while it was being graded. */
export const isGone = (error: unknown) => failureType(error) === failureTypes.submissionGone;

/**
 * A provider step that failed for good (its retries spent, or input it cannot use) becomes the
 * reason there is no draft; anything else, a deleted submission included, is rethrown.
 */
export function noDraft(error: unknown, step: 'transcription' | 'scoring'): NoDraft {
  if (isGone(error) || !(error instanceof ActivityFailure)) throw error;
  const kind = step === 'scoring' ? 'scoring_failed' : failureType(error) === failureTypes.unusableAudio ? 'unusable_audio' : 'transcription_failed';
  return { kind, reason: describe(error) };
}
