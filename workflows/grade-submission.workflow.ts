// GradeSubmission: one durable workflow per submission (id grade-<submissionId>).
// It holds decisions and timers only; every side effect is an activity.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { GradingActivities } from '../activities/index.ts';
import { priorityFor, route } from '../src/domain/routing.ts';
import { criteriaFor, isValidScore, type Skill } from '../src/domain/scores.ts';
import {
  failureTypes,
  reviewFailureTypes,
  type GradeSubmissionInput,
  type GradeSubmissionOutput,
  type GradingPolicy,
  type GradingState,
  type ReviewDecision,
  type ScoreDraft,
  type TranscriptSummary,
} from './grade-submission.types.ts';
import { reviewPriorityAttribute, statusAttribute } from './search-attributes.ts';

export const completeReviewUpdate = defineUpdate<GradeSubmissionOutput, [ReviewDecision]>('completeReview');
export const gradingStateQuery = defineQuery<GradingState>('gradingState');

/** Marks histories that include routing, human review and the SLA timer. */
export const reviewPatch = 'human-review-v1';

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
    // Calls to scoring providers: bounded by GRADING_MAX_RETRIES, on their own rate-limited
    // task queue when one is configured.
    provider: proxyActivities<GradingActivities>({
      ...base,
      ...(policy.scoringTaskQueue ? { taskQueue: policy.scoringTaskQueue } : {}),
      retry: { ...base.retry, maximumAttempts: policy.maxRetries + 1 },
    }),
    // Speech recognition: its own rate-limited queue, a longer time limit for long recordings,
    // and heartbeats so a worker that died mid-recording is noticed in seconds, not minutes.
    transcription: proxyActivities<GradingActivities>({
      ...base,
      startToCloseTimeout: `${policy.transcriptionTimeoutSeconds ?? policy.activityTimeoutSeconds} seconds`,
      heartbeatTimeout: '30 seconds',
      ...(policy.transcriptionTaskQueue ? { taskQueue: policy.transcriptionTaskQueue } : {}),
      retry: { ...base.retry, maximumAttempts: policy.maxRetries + 1 },
    }),
    // Writes to our own database: no attempt limit, so an outage of Postgres delays grading but
    // never loses or half-finishes it.
    store: proxyActivities<GradingActivities>(base),
  };
}

type Activities = ReturnType<typeof activitiesFor>;

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

const isGone = (error: unknown) => failureType(error) === failureTypes.submissionGone;

/** Checks a grader's decision before it is accepted; a rejection never reaches history. */
export function validateDecision(decision: ReviewDecision, skill: Skill, state: GradingState): void {
  if (state.phase !== 'awaiting_review') {
    throw ApplicationFailure.create({
      type: reviewFailureTypes.notAwaitingReview,
      message: state.phase === 'finishing' || state.phase === 'completed' ? 'the review is already completed' : 'the submission is not awaiting review',
      nonRetryable: true,
    });
  }
  const expected = [...criteriaFor[skill]].sort();
  const given = Object.keys(decision.criteria ?? {}).sort();
  const problems: string[] = [];
  if (expected.join() !== given.join()) problems.push(`criteria must be exactly: ${expected.join(', ')}`);
  for (const [name, c] of Object.entries(decision.criteria ?? {})) {
    if (!isValidScore(c?.score)) problems.push(`${name}: score must be 0-10 in steps of 0.5`);
    if (c?.feedback !== undefined && (typeof c.feedback !== 'string' || c.feedback.length > 2000)) problems.push(`${name}: feedback must be text up to 2000 characters`);
  }
  if (decision.feedback !== undefined && (typeof decision.feedback !== 'string' || decision.feedback.length > 4000)) problems.push('feedback must be text up to 4000 characters');
  if (problems.length) {
    throw ApplicationFailure.create({ type: reviewFailureTypes.invalidScores, message: problems.join('; '), nonRetryable: true });
  }
}

export async function gradeSubmission(input: GradeSubmissionInput): Promise<GradeSubmissionOutput> {
  const acts = activitiesFor(input.policy);
  const { routing, reviewDueSeconds } = input.policy;
  // Histories recorded before human review existed replay the original path.
  if (!patched(reviewPatch) || !routing || reviewDueSeconds === undefined || !input.mode || !input.deadlineAt) {
    return gradeWithoutReview(input, acts);
  }
  const { submissionId } = input;
  const skill = input.skill ?? 'writing';
  const mode = input.mode;
  const { provider, transcription: recogniser, store } = acts;

  const state: GradingState = { phase: 'starting', slaBreached: false, review: null, overall: null, transcription: null };
  // Ops filter gradings in the Web UI by these; skill, task and mode were set at start.
  const show = (status: string, priority?: string) => {
    if (!input.searchAttributes) return;
    upsertSearchAttributes([
      { key: statusAttribute, value: status },
      ...(priority ? [{ key: reviewPriorityAttribute, value: priority }] : []),
    ]);
  };
  let decision: ReviewDecision | undefined;
  let output: GradeSubmissionOutput | undefined;
  setHandler(gradingStateQuery, () => state);
  setHandler(
    completeReviewUpdate,
    async (d) => {
      // Two updates delivered together both pass the validator before either handler runs.
      if (decision !== undefined) {
        throw ApplicationFailure.create({ type: reviewFailureTypes.notAwaitingReview, message: 'the review is already completed', nonRetryable: true });
      }
      decision = d;
      state.phase = 'finishing';
      await condition(() => output !== undefined);
      return output!;
    },
    { validator: (d) => validateDecision(d, skill, state) },
  );

  // The SLA timer runs beside grading: a breach is recorded and escalates an open review, and
  // grading goes on.
  const slaScope = new CancellationScope();
  const slaTimer = slaScope
    .run(async () => {
      const remaining = Date.parse(input.deadlineAt!) - Date.now();
      if (remaining > 0) await sleep(remaining);
      state.slaBreached = true;
      await store.recordSlaBreach(submissionId);
      if (state.review && state.phase === 'awaiting_review') {
        await store.escalateReview(submissionId, 'sla_breached');
        state.review.priority = 'high';
        state.review.escalated = true;
        show('review_pending', 'high');
      }
    })
    .catch((error: unknown) => {
      if (!isCancellation(error)) log.warn('SLA timer stopped', { submissionId, error: describe(error) });
    });

  try {
    await store.markProcessing(submissionId);
    state.phase = 'scoring';
    show('processing');

    // Why no AI draft exists, when none does: a recording without usable speech, a recogniser
    // or scorer that kept failing.
    let failure: { kind: 'unusable_audio' | 'transcription_failed' | 'scoring_failed'; reason: string } | undefined;
    let transcription: TranscriptSummary | undefined;
    if (skill === 'speaking') {
      state.phase = 'transcribing';
      try {
        transcription = await recogniser.transcribeSubmission(submissionId);
        state.transcription = transcription;
      } catch (error) {
        if (isGone(error) || !(error instanceof ActivityFailure)) throw error;
        failure = { kind: failureType(error) === failureTypes.unusableAudio ? 'unusable_audio' : 'transcription_failed', reason: describe(error) };
      }
      state.phase = 'scoring';
    }

    let draft: ScoreDraft | null = null;
    let secondOverall: number | undefined;
    if (mode !== 'human' && !failure) {
      try {
        draft = await provider.scoreSubmission(submissionId);
        state.overall = draft.overall;
      } catch (error) {
        if (isGone(error) || !(error instanceof ActivityFailure)) throw error;
        failure = { kind: 'scoring_failed', reason: describe(error) };
      }
      if (draft && mode === 'hybrid' && input.policy.secondOpinion) {
        // A second, independent scoring; best effort: its failure is no reason to stop.
        secondOverall = await provider.scoreSubmission(submissionId).then(
          (second) => second.overall,
          (error: unknown) => {
            if (isGone(error)) throw error;
            return undefined;
          },
        );
      }
    }

    // Auto mode has no human in the loop: a provider failure is recorded for an admin to
    // re-drive. A recording without speech is different: only a person can judge it.
    if (failure && mode === 'auto' && failure.kind !== 'unusable_audio') {
      const step = failure.kind === 'scoring_failed' ? 'scoring' : 'transcription';
      log.warn('grading failed', { submissionId, reason: failure.reason });
      await store.markFailed(submissionId, `${step} failed: ${failure.reason}`);
      state.phase = 'failed';
      show('failed');
      return (output = { submissionId, status: 'failed' });
    }

    const decisionToRoute = draft
      ? route(
          { mode, overall: draft.overall, confidence: draft.confidence, flags: draft.flags, secondOverall, transcriptionConfidence: transcription?.confidence, offlineOverall: draft.offlineOverall },
          routing,
        )
      : { needsReview: true, reasons: failure ? (mode === 'human' ? ['human_mode', failure.kind] : [failure.kind]) : ['human_mode'] };

    if (!decisionToRoute.needsReview && draft) {
      state.phase = 'finishing';
      await store.completeWithResult(submissionId, draft);
      state.phase = 'completed';
      show('completed');
      return (output = { submissionId, status: 'completed', overall: draft.overall, source: 'ai' });
    }

    const reasons = state.slaBreached ? [...decisionToRoute.reasons, 'sla_breached'] : decisionToRoute.reasons;
    const priority = priorityFor(reasons);
    const dueAt = new Date(Date.now() + reviewDueSeconds * 1000).toISOString();
    const { reviewId } = await store.openReview(submissionId, {
      reasons,
      priority,
      dueAt,
      draft,
      ...(failure ? { note: failure.reason } : {}),
    });
    state.review = { reviewId, priority, reasons, dueAt, escalated: false };
    state.phase = 'awaiting_review';
    show('review_pending', priority);

    if (!(await condition(() => decision !== undefined, reviewDueSeconds * 1000))) {
      await store.escalateReview(submissionId, 'review_overdue');
      state.review.priority = 'high';
      state.review.escalated = true;
      show('review_pending', 'high');
      await condition(() => decision !== undefined);
    }

    const { overall } = await store.completeReview(submissionId, decision!);
    state.overall = overall;
    state.phase = 'completed';
    show('completed');
    return (output = { submissionId, status: 'completed', overall, source: 'human' });
  } catch (error) {
    // Deleted mid-flight: nothing left to grade.
    if (isGone(error)) return (output = { submissionId, status: 'deleted' });
    throw error;
  } finally {
    slaScope.cancel();
    await slaTimer;
  }
}

/** The path of histories recorded before routing and review: score, then complete or fail. */
async function gradeWithoutReview(input: GradeSubmissionInput, { provider, store }: Activities): Promise<GradeSubmissionOutput> {
  const { submissionId } = input;
  try {
    await store.markProcessing(submissionId);
    let draft;
    try {
      draft = await provider.scoreSubmission(submissionId);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isGone(error)) throw error;
      const reason = `scoring failed: ${describe(error)}`;
      log.warn('grading failed', { submissionId, reason });
      await store.markFailed(submissionId, reason);
      return { submissionId, status: 'failed' };
    }
    await store.completeWithResult(submissionId, draft);
    return { submissionId, status: 'completed', overall: draft.overall };
  } catch (error) {
    if (isGone(error)) return { submissionId, status: 'deleted' };
    throw error;
  }
}
