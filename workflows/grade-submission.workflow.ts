// GradeSubmission: one durable workflow per submission (id grade-<submissionId>). It holds
// decisions and timers only; every side effect is an activity (activity-options.ts). It reads
// as its steps: transcribe, draft, route, await the review (two marks and perhaps an
// adjudication when the submission is double-marked: double-marking.ts), finish.
import { CancellationScope, condition, isCancellation, log, patched, sleep } from '@temporalio/workflow';
import { legacyRoute, priorityFor, route } from '../src/domain/routing.ts';
import type { OpenedReview } from '../activities/review.activities.ts';
import type { GradeSubmissionInput, GradeSubmissionOutput, ReviewDecision, ScoreDraft, TranscriptSummary } from '../src/grading/contract.ts';
import { describe, isGone, noDraft, type NoDraft } from './activity-options.ts';
import { doubleMark } from './double-marking.ts';
import { grading, type Grading } from './grading-context.ts';

export async function gradeSubmission(input: GradeSubmissionInput): Promise<GradeSubmissionOutput> {
  const { submissionId, mode, policy } = input;
  const g = grading(input);
  const sla = watchSla(g);
  try {
    await g.store.markProcessing(submissionId);
    g.moveTo('scoring', 'processing');
    const { transcription, draft, secondOverall, failure } = await draftScores(g);

    // Auto mode has no human in the loop: a provider failure is recorded for an admin to
    // re-drive. A recording without speech is different: only a person can judge it.
    if (failure && mode === 'auto' && failure.kind !== 'unusable_audio') {
      log.warn('grading failed', { submissionId, reason: failure.reason });
      await g.store.markFailed(submissionId, `${failure.kind === 'scoring_failed' ? 'scoring' : 'transcription'} failed: ${failure.reason}`);
      g.moveTo('failed', 'failed');
      return g.finish({ submissionId, status: 'failed' });
    }

    // Route: a draft whose calibrated probability of being within ±1.0 of a human reaches the
    // accept probability is final; anything else goes to a person. Workflows started before
    // calibrated routing keep the rule they started with (a patch, for replay).
    const routed = draft
      ? (patched('calibrated-routing') ? route : legacyRoute)(
          { mode, overall: draft.overall, confidence: draft.confidence, uncertainty: draft.uncertainty, flags: draft.flags, secondOverall, transcriptionConfidence: transcription?.confidence, offlineOverall: draft.offlineOverall },
          policy.routing,
        )
      : { needsReview: true, reasons: [...(mode === 'human' ? ['human_mode'] : []), ...(failure ? [failure.kind] : [])] };
    if (!routed.needsReview && draft) {
      g.state.phase = 'finishing';
      await g.store.completeWithResult(submissionId, draft);
      g.moveTo('completed', 'completed');
      return g.finish({ submissionId, status: 'completed', overall: draft.overall, source: 'ai' });
    }

    // Gated by a patch: a drawn submission started before the workers knew double marking (a
    // rolling deploy) has its one review in its history, and keeps it on replay.
    if (input.doubleMarked && patched('double-marking')) {
      const { overall, source } = await doubleMark(g, routed.reasons, draft, failure);
      g.state.overall = overall;
      g.moveTo('completed', 'completed');
      return g.finish({ submissionId, status: 'completed', overall, source });
    }
    const decision = await awaitReview(g, routed.reasons, draft, failure);
    const { overall } = await g.store.completeReview(submissionId, decision);
    g.state.overall = overall;
    g.moveTo('completed', 'completed');
    return g.finish({ submissionId, status: 'completed', overall, source: 'human' });
  } catch (error) {
    // Deleted mid-flight: nothing left to grade.
    if (isGone(error)) return g.finish({ submissionId, status: 'deleted' });
    throw error;
  } finally {
    await sla.stop();
  }
}

/** Transcribe a speaking answer, then draft the scores (unless a person grades it all). */
async function draftScores({ input, state, recogniser, provider }: Grading) {
  const { submissionId, skill, mode, policy } = input;
  let failure: NoDraft | undefined;
  let transcription: TranscriptSummary | undefined;
  let draft: ScoreDraft | undefined;
  let secondOverall: number | undefined;
  if (skill === 'speaking') {
    state.phase = 'transcribing';
    try {
      state.transcription = transcription = await recogniser.transcribeSubmission(submissionId);
    } catch (error) {
      failure = noDraft(error, 'transcription');
    }
    state.phase = 'scoring';
  }
  if (mode === 'human' || failure) return { transcription, failure };
  try {
    draft = await provider.scoreSubmission(submissionId);
    state.overall = draft.overall;
  } catch (error) {
    return { transcription, failure: noDraft(error, 'scoring') };
  }
  if (mode === 'hybrid' && policy.secondOpinion) {
    // A second, independent scoring; best effort: its failure is no reason to stop.
    secondOverall = await provider.scoreSubmission(submissionId).then(
      (second) => second.overall,
      (error: unknown) => (isGone(error) ? Promise.reject(error) : undefined),
    );
  }
  return { transcription, draft, secondOverall };
}

/** Open the review, escalate it once it is overdue, and wait for the grader's decision. */
async function awaitReview(g: Grading, routedReasons: string[], draft: ScoreDraft | undefined, failure: NoDraft | undefined): Promise<ReviewDecision> {
  const { submissionId, policy } = g.input;
  const reasons = g.state.slaBreached ? [...routedReasons, 'sla_breached'] : routedReasons;
  const priority = priorityFor(reasons);
  const dueAt = new Date(Date.now() + policy.reviewDueSeconds * 1000).toISOString();
  // Histories recorded before reviews answered their reasons hold { reviewId } alone.
  const opened: Partial<OpenedReview> & { reviewId: string } = await g.store.openReview(submissionId, { reasons, priority, dueAt, draft: draft ?? null, ...(failure ? { note: failure.reason } : {}) });
  // The review may open with more reasons than routing gave (a response screened for steering).
  g.openedReview({ reviewId: opened.reviewId, priority: opened.priority ?? priority, reasons: opened.reasons ?? reasons, dueAt, escalated: false });
  if (!(await condition(() => g.decision() !== undefined, policy.reviewDueSeconds * 1000))) {
    await g.escalate('review_overdue');
    await condition(() => g.decision() !== undefined);
  }
  return g.decision()!;
}

/** The SLA timer runs beside grading: a breach is recorded and escalates an open review; grading goes on. */
function watchSla(g: Grading) {
  const scope = new CancellationScope();
  const timer = scope
    .run(async () => {
      const remaining = Date.parse(g.input.deadlineAt) - Date.now();
      if (remaining > 0) await sleep(remaining);
      g.state.slaBreached = true;
      await g.store.recordSlaBreach(g.input.submissionId);
      if (g.state.phase === 'awaiting_review') await g.escalate('sla_breached');
    })
    .catch((error: unknown) => {
      if (!isCancellation(error)) log.warn('SLA timer stopped', { submissionId: g.input.submissionId, error: describe(error) });
    });
  return {
    async stop() {
      scope.cancel();
      await timer;
    },
  };
}
