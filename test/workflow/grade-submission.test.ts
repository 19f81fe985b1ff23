// Every branch of GradeSubmission (skill × mode × what failed), routing, timers, the review
// update's validator and deletion mid-flight, on Temporal's time-skipping test server with stub
// activities: fast, and no database. The real activities are covered by the integration tests.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenReviewInput } from '../../activities/review.activities.ts';
import { findExecutable } from '../../src/embedded/temporal.ts';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { appealStateQuery, completeReviewUpdate, reviewFailureTypes, type GradeSubmissionOutput, type ReviewDecision } from '../../src/grading/contract.ts';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { workflowInterceptorModules, workflowsPath } from '../../workers/create-grading-worker.ts';
import { testLogger } from '../helpers/platform.ts';
import { appealReviewId, completeWhenAwaited, decisionFor, inputFor, startAppeal, startGrading, stateWhen, stubActivities, type Call, type Scenario } from './harness.ts';

let env: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  installTemporalRuntime(testLogger);
  const path = findExecutable('temporal-test-server');
  if (!path) throw new Error('temporal-test-server is missing: run `bash scripts/setup.sh`');
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  workflowBundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quiet });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

type Handle = Awaited<ReturnType<typeof startGrading>>;

/** Runs one grading of `scenario` on its own task queue; `drive` talks to it while it runs. */
async function grade(scenario: Scenario, drive?: (handle: Handle, decision: ReviewDecision) => Promise<unknown>) {
  const taskQueue = `workflow-${randomUUID()}`;
  const calls: Call[] = [];
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: stubActivities(scenario, calls) });
  const decision = decisionFor(scenario.skill);
  const output = await worker.runUntil(async () => {
    const handle = await startGrading(env.client, inputFor(scenario, taskQueue, await env.currentTimeMs()), taskQueue);
    if (drive) await drive(handle, decision);
    return handle.result();
  });
  const opened = calls.find((c) => c.name === 'openReview')?.args[1] as OpenReviewInput | undefined;
  return { output, calls, names: calls.map((c) => c.name), opened, decision };
}

const review = (handle: Handle, decision: ReviewDecision) => completeWhenAwaited(handle, decision);

/** Why the workflow refused an update: its failure's type and message. */
async function refusalOf(update: Promise<unknown>): Promise<{ type?: string | null; message: string }> {
  const error = await update.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : error;
  return { type: cause instanceof ApplicationFailure ? cause.type : undefined, message: (cause as Error).message };
}

type Row = [Scenario['skill'], Scenario['mode'], 'none' | 'scoring_failed' | 'transcription_failed' | 'unusable_audio', string[], GradeSubmissionOutput['status'], string[] | null];

const mp = 'markProcessing';
const ts = 'transcribeSubmission';
const sc = 'scoreSubmission';
const done = ['completeWithResult'];
const reviewed = ['openReview', 'completeReview'];
const failed = ['markFailed'];

// skill, mode, what failed, the activities called in order, the outcome, the review's reasons.
const branches: Row[] = [
  ['writing', 'auto', 'none', [mp, sc, ...done], 'completed', null],
  ['writing', 'auto', 'scoring_failed', [mp, sc, ...failed], 'failed', null],
  ['writing', 'hybrid', 'none', [mp, sc, ...done], 'completed', null],
  ['writing', 'hybrid', 'scoring_failed', [mp, sc, ...reviewed], 'completed', ['scoring_failed']],
  ['writing', 'human', 'none', [mp, ...reviewed], 'completed', ['human_mode']],
  ['writing', 'human', 'scoring_failed', [mp, ...reviewed], 'completed', ['human_mode']],
  ['speaking', 'auto', 'none', [mp, ts, sc, ...done], 'completed', null],
  ['speaking', 'auto', 'scoring_failed', [mp, ts, sc, ...failed], 'failed', null],
  ['speaking', 'auto', 'transcription_failed', [mp, ts, ...failed], 'failed', null],
  ['speaking', 'auto', 'unusable_audio', [mp, ts, ...reviewed], 'completed', ['unusable_audio']],
  ['speaking', 'hybrid', 'none', [mp, ts, sc, ...done], 'completed', null],
  ['speaking', 'hybrid', 'scoring_failed', [mp, ts, sc, ...reviewed], 'completed', ['scoring_failed']],
  ['speaking', 'hybrid', 'transcription_failed', [mp, ts, ...reviewed], 'completed', ['transcription_failed']],
  ['speaking', 'hybrid', 'unusable_audio', [mp, ts, ...reviewed], 'completed', ['unusable_audio']],
  ['speaking', 'human', 'none', [mp, ts, ...reviewed], 'completed', ['human_mode']],
  ['speaking', 'human', 'scoring_failed', [mp, ts, ...reviewed], 'completed', ['human_mode']],
  ['speaking', 'human', 'transcription_failed', [mp, ts, ...reviewed], 'completed', ['human_mode', 'transcription_failed']],
  ['speaking', 'human', 'unusable_audio', [mp, ts, ...reviewed], 'completed', ['human_mode', 'unusable_audio']],
];

const scripted = (failure: Row[2]): Partial<Scenario> =>
  failure === 'scoring_failed' ? { scoring: 'fails' } : failure === 'transcription_failed' ? { transcription: 'fails' } : failure === 'unusable_audio' ? { transcription: 'unusable' } : {};

describe('GradeSubmission branches', () => {
  it.each(branches)('when %s in %s mode meets %s, then it runs %j and ends %s with review reasons %j', async (skill, mode, failure, steps, status, reasons) => {
    const { output, names, opened, calls, decision } = await grade({ skill, mode, ...scripted(failure) }, reasons ? review : undefined);
    expect(names).toEqual(steps);
    expect(output.status).toBe(status);
    if (reasons) {
      expect(opened!.reasons).toEqual(reasons);
      // A person must judge what no AI draft exists for; a human-mode review with a draft-free reason is urgent too.
      expect(opened!.priority).toBe(reasons.length === 1 && reasons[0] === 'human_mode' ? 'low' : 'high');
      expect(opened!.draft).toBeNull();
      expect(opened!.note === undefined).toBe(failure === 'none' || (mode === 'human' && failure === 'scoring_failed'));
      expect(calls.at(-1)!.args[1]).toEqual(decision);
      expect(output).toMatchObject({ source: 'human', overall: 6 });
    } else if (status === 'completed') {
      expect(output).toMatchObject({ source: 'ai', overall: 7 });
    } else {
      expect(calls.at(-1)!.args[1]).toMatch(failure === 'scoring_failed' ? /^scoring failed: provider unavailable/ : /^transcription failed: provider unavailable/);
    }
  });

  it('when the essay cannot be scored at all, then an auto grading fails at once with the reason', async () => {
    const { output, names, calls } = await grade({ skill: 'writing', mode: 'auto', scoring: 'unusable', policy: { maxRetries: 3 } });
    expect(output.status).toBe('failed');
    expect(names).toEqual([mp, sc, 'markFailed']);
    expect(calls.at(-1)!.args[1]).toBe('scoring failed: the input cannot be used');
  });
});

describe('GradeSubmission routing', () => {
  it.each([
    ['a calibrated probability of ±1.0 below the accept probability', { skill: 'writing', draft: { within: [0.3, 0.6, 0.9, 0.97, 1] } }, ['low_confidence'], 'medium'],
    ['no calibration (the scorer cannot say how far it may be off)', { skill: 'writing', draft: { within: null, confidence: 0.99 } }, ['uncalibrated'], 'medium'],
    ['an overall next to a level boundary with a wide interval', { skill: 'writing', draft: { score: 6, within: [0.4, 0.8, 0.98, 1, 1] } }, ['near_level_boundary'], 'medium'],
    ['a prompt-injection flag', { skill: 'writing', draft: { flags: ['prompt_injection'] } }, ['prompt_injection'], 'high'],
    ['a transcript heard with low confidence', { skill: 'speaking', transcriptionConfidence: 0.2 }, ['low_transcription_confidence'], 'medium'],
    ['a second opinion far apart', { skill: 'writing', second: 5, policy: { secondOpinion: true } }, ['scorers_disagree'], 'medium'],
  ] as const)('when a hybrid draft has %s, then it goes to review with that reason and its AI draft', async (_case, over, reasons, priority) => {
    const { opened, output } = await grade({ mode: 'hybrid', ...over } as Scenario, review);
    expect(opened).toMatchObject({ reasons, priority });
    expect(opened!.draft).toMatchObject({ provider: 'stub' });
    expect(output).toMatchObject({ status: 'completed', source: 'human' });
  });

  it('when a draft next to a level boundary has a narrow interval (±0.5 reaches the accept probability), then it is final', async () => {
    const { names, output } = await grade({ skill: 'writing', mode: 'hybrid', draft: { score: 6 } });
    expect(names).toEqual([mp, sc, ...done]);
    expect(output).toMatchObject({ status: 'completed', source: 'ai', overall: 6 });
  });

  it('when the second opinion fails, then the first draft stands and the grading completes', async () => {
    const { names, output } = await grade({ skill: 'writing', mode: 'hybrid', second: 'fails', policy: { secondOpinion: true } });
    expect(names).toEqual([mp, sc, sc, ...done]);
    expect(output).toMatchObject({ status: 'completed', source: 'ai' });
  });

  it('when the mode is auto, then even a flagged, unsure draft is final', async () => {
    const { names, output } = await grade({ skill: 'writing', mode: 'auto', draft: { confidence: 0.1, flags: ['off_task'] } });
    expect(names).toEqual([mp, sc, ...done]);
    expect(output.source).toBe('ai');
  });

  it('when opening a human-mode review finds a steering response, then the workflow holds the review at high priority with that reason', async () => {
    const { output } = await grade({ skill: 'writing', mode: 'human', steers: true }, async (handle, decision) => {
      const state = await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
      expect(state.review).toMatchObject({ reasons: ['human_mode', 'prompt_injection'], priority: 'high' });
      return handle.executeUpdate(completeReviewUpdate, { args: [decision] });
    });
    expect(output).toMatchObject({ status: 'completed', source: 'human' });
  });

  it.each(['writing', 'speaking'] as const)('when an auto-mode %s draft tries to instruct the grader, then it is not final: a person reviews it at high priority', async (skill) => {
    const { opened, output } = await grade({ skill, mode: 'auto', draft: { confidence: 0.99, flags: ['prompt_injection'] } }, review);
    expect(opened).toMatchObject({ reasons: ['prompt_injection'], priority: 'high' });
    expect(opened!.draft).toMatchObject({ provider: 'stub' });
    expect(output).toMatchObject({ status: 'completed', source: 'human' });
  });
});

describe('GradeSubmission timers', () => {
  it('when the SLA passed before the review opened, then the breach is recorded and the review opens at high priority', async () => {
    const { opened, names } = await grade({ skill: 'writing', mode: 'human', slaSeconds: -60 }, review);
    expect(names).toContain('recordSlaBreach');
    expect(opened).toMatchObject({ reasons: ['human_mode', 'sla_breached'], priority: 'high' });
    expect(names).not.toContain('escalateReview');
  });

  it('when the SLA passes while the review waits, then it is escalated for that reason and grading goes on', async () => {
    const { calls, output } = await grade({ skill: 'speaking', mode: 'human', slaSeconds: 3600 }, async (handle, decision) => {
      await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
      await env.sleep('2 hours');
      const state = await stateWhen(handle, (s) => s.slaBreached && s.review?.escalated === true, 'the SLA escalation');
      expect(state.review).toMatchObject({ priority: 'high', reasons: ['human_mode'] });
      return handle.executeUpdate(completeReviewUpdate, { args: [decision] });
    });
    expect(calls.filter((c) => c.name === 'escalateReview').map((c) => c.args[1])).toEqual(['sla_breached']);
    expect(output.status).toBe('completed');
  });

  it('when the review waits past its due time, then it is escalated once and keeps waiting', async () => {
    const { calls, output } = await grade({ skill: 'writing', mode: 'human', policy: { reviewDueSeconds: 600 } }, async (handle, decision) => {
      await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
      await env.sleep('15 minutes');
      await stateWhen(handle, (s) => s.review?.escalated === true, 'the overdue escalation');
      await env.sleep('1 day');
      expect((await handle.query('gradingState')) as object).toMatchObject({ phase: 'awaiting_review' });
      return handle.executeUpdate(completeReviewUpdate, { args: [decision] });
    });
    expect(calls.filter((c) => c.name === 'escalateReview').map((c) => c.args[1])).toEqual(['review_overdue']);
    expect(output.status).toBe('completed');
  });

  it('when the grading finishes before the SLA, then the SLA timer is cancelled and records nothing', async () => {
    const { names } = await grade({ skill: 'writing', mode: 'auto', slaSeconds: 3600 });
    expect(names).not.toContain('recordSlaBreach');
  });
});

describe('GradeSubmission review update', () => {
  it('when a decision has other criteria, scores off the grid or too long a feedback, then the validator refuses it; the valid one completes the grading, once', async () => {
    const { output, calls } = await grade({ skill: 'writing', mode: 'human' }, async (handle, decision) => {
      await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
      const send = (d: ReviewDecision) => handle.executeUpdate(completeReviewUpdate, { args: [d] });
      const invalid = { type: reviewFailureTypes.invalidScores };
      expect(await refusalOf(send({ ...decision, criteria: { grammar: { score: 6 } } }))).toEqual({ ...invalid, message: 'criteria must be exactly: grammar, organisation, taskFulfilment, vocabulary' });
      expect(await refusalOf(send({ ...decision, criteria: { ...decision.criteria, grammar: { score: 6.3 } } }))).toEqual({ ...invalid, message: 'grammar: score must be 0-10 in steps of 0.5' });
      expect(await refusalOf(send({ ...decision, feedback: 'x'.repeat(4001) }))).toEqual({ ...invalid, message: 'feedback must be text up to 4000 characters' });
      expect(await send(decision)).toMatchObject({ status: 'completed', source: 'human', overall: 6 });
      // The grading has ended: a second decision finds nothing to complete.
      await expect(send(decision)).rejects.toThrow();
    });
    expect(output.status).toBe('completed');
    expect(calls.filter((c) => c.name === 'completeReview')).toHaveLength(1);
  });

  it('when a decision arrives before any review is open, then it is refused', async () => {
    // Scoring keeps failing with long backoffs, so the grading is still scoring when the decision comes.
    const { output } = await grade({ skill: 'writing', mode: 'hybrid', scoring: 'fails', policy: { maxRetries: 1, retryInitialSeconds: 600, retryBackoffCapSeconds: 600 } }, async (handle, decision) => {
      await stateWhen(handle, (s) => s.phase === 'scoring', 'scoring');
      expect(await refusalOf(handle.executeUpdate(completeReviewUpdate, { args: [decision] }))).toEqual({
        type: reviewFailureTypes.notAwaitingReview,
        message: 'the submission is not awaiting review',
      });
      await env.sleep('15 minutes');
      return review(handle, decision);
    });
    expect(output).toMatchObject({ status: 'completed', source: 'human' });
  });
});

describe('GradeSubmission and deletion', () => {
  it.each([
    ['while it is transcribed', { skill: 'speaking', mode: 'auto', transcription: 'gone' }, [mp, ts]],
    ['while it is scored', { skill: 'writing', mode: 'auto', scoring: 'gone' }, [mp, sc]],
    ['while the second opinion is taken', { skill: 'writing', mode: 'hybrid', second: 'gone', policy: { secondOpinion: true } }, [mp, sc, sc]],
  ] as const)('when the submission is deleted %s, then the grading ends quietly as deleted', async (_case, scenario, steps) => {
    const { output, names } = await grade(scenario as Scenario);
    expect(output).toEqual({ submissionId: expect.any(String), status: 'deleted' });
    expect(names).toEqual(steps);
  });
});

describe('GradeSubmission double marking', () => {
  const marks = (handle: Handle) => stateWhen(handle, (s) => (s.reviews?.length ?? 0) >= 2 && s.phase === 'awaiting_review', 'both markings open');
  const send = (handle: Handle, d: ReviewDecision) => handle.executeUpdate(completeReviewUpdate, { args: [d] });

  it('when two blind marks agree, then the result is their criterion-wise mean on the half-point grid, and the first mark is answered while the second is due', async () => {
    const { output, calls } = await grade({ skill: 'writing', mode: 'hybrid', doubleMarked: true, draft: { within: [0.1, 0.3, 0.5, 0.7, 0.9] } }, async (handle) => {
      const state = await marks(handle);
      const [first, second] = state.reviews!;
      expect([first!.kind, second!.kind]).toEqual(['first', 'second']);
      expect(await send(handle, { ...decisionFor('writing', 6), reviewId: first!.reviewId })).toMatchObject({ status: 'review_pending' });
      return send(handle, { ...decisionFor('writing', 6.5), reviewId: second!.reviewId });
    });
    // 6 and 6.5 on every criterion: each mean 6.25, rounded up to 6.5, as every VSTEP score is.
    expect(output).toMatchObject({ status: 'completed', source: 'double_marked', overall: 6.5 });
    const opened = calls.filter((c) => c.name === 'openReview').map((c) => c.args[1] as OpenReviewInput);
    // The AI draft and the routing reasons that hint at it go to the first marker only.
    expect(opened.map((o) => [o.kind, o.draft === null, o.reasons])).toEqual([
      ['first', false, ['low_confidence']],
      ['second', true, ['second_marking']],
    ]);
    const finished = calls.find((c) => c.name === 'finishModeration')!.args[1] as { source: string; criteria: Record<string, { score: number }> };
    expect(finished.source).toBe('double_marked');
    expect(Object.values(finished.criteria).map((c) => c.score)).toEqual([6.5, 6.5, 6.5, 6.5]);
    expect(calls.filter((c) => c.name === 'recordMark')).toHaveLength(2);
    expect(calls.map((c) => c.name)).not.toContain('completeReview');
  });

  it('when the two marks are further apart than the threshold, then a senior adjudicates at high priority and their scores are final', async () => {
    let adjudicator: ReviewDecision | undefined;
    const { output, calls } = await grade({ skill: 'speaking', mode: 'human', doubleMarked: true }, async (handle) => {
      const [first, second] = (await marks(handle)).reviews!;
      await send(handle, { ...decisionFor('speaking', 5), reviewId: first!.reviewId });
      expect(await send(handle, { ...decisionFor('speaking', 7), reviewId: second!.reviewId })).toMatchObject({ status: 'review_pending' });
      const state = await stateWhen(handle, (s) => s.reviews?.length === 3 && s.phase === 'awaiting_review', 'the adjudication');
      const third = state.reviews![2]!;
      expect(third).toMatchObject({ kind: 'adjudication', priority: 'high', reasons: ['marks_disagree', 'levels_differ'] });
      adjudicator = { ...decisionFor('speaking', 6), reviewId: third.reviewId };
      return send(handle, adjudicator);
    });
    expect(output).toMatchObject({ status: 'completed', source: 'adjudicated', overall: 6 });
    expect(calls.find((c) => c.name === 'finishModeration')!.args[1]).toMatchObject({ source: 'adjudicated', graderId: adjudicator!.graderId });
  });

  it('when one grader sends both marks, or a mark for a review that is not open, then the second is refused and the grading waits for another marker', async () => {
    const { output } = await grade({ skill: 'writing', mode: 'human', doubleMarked: true }, async (handle) => {
      const [first, second] = (await marks(handle)).reviews!;
      const mine = { ...decisionFor('writing', 6), reviewId: first!.reviewId };
      await send(handle, mine);
      expect(await refusalOf(send(handle, { ...mine, reviewId: second!.reviewId }))).toMatchObject({ type: reviewFailureTypes.alreadyMarked });
      expect(await refusalOf(send(handle, { ...decisionFor('writing', 6), reviewId: first!.reviewId }))).toMatchObject({ type: reviewFailureTypes.notAwaitingReview, message: 'the review is already completed' });
      expect(await refusalOf(send(handle, { ...decisionFor('writing', 6), reviewId: randomUUID() }))).toMatchObject({ type: reviewFailureTypes.notAwaitingReview });
      return send(handle, { ...decisionFor('writing', 6), reviewId: second!.reviewId });
    });
    expect(output).toMatchObject({ status: 'completed', source: 'double_marked', overall: 6 });
  });

  it('when the markings wait past their due time, then they are escalated once together and keep waiting', async () => {
    const { calls, output } = await grade({ skill: 'writing', mode: 'human', doubleMarked: true, policy: { reviewDueSeconds: 600 } }, async (handle) => {
      const [first, second] = (await marks(handle)).reviews!;
      await send(handle, { ...decisionFor('writing', 6), reviewId: first!.reviewId });
      await env.sleep('15 minutes');
      await stateWhen(handle, (s) => s.reviews!.some((r) => r.escalated), 'the overdue escalation');
      await env.sleep('1 day');
      return send(handle, { ...decisionFor('writing', 6), reviewId: second!.reviewId });
    });
    expect(calls.filter((c) => c.name === 'escalateReview').map((c) => c.args[1])).toEqual(['review_overdue']);
    expect(output.status).toBe('completed');
  });
});

describe('AppealSubmission', () => {
  async function appeal(scenario: Partial<Scenario>, drive: (handle: Awaited<ReturnType<typeof startAppeal>>, excluded: string) => Promise<unknown>) {
    const taskQueue = `appeal-${randomUUID()}`;
    const calls: Call[] = [];
    const full: Scenario = { skill: 'writing', mode: 'human', ...scenario };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: stubActivities(full, calls) });
    const excluded = randomUUID();
    const output = await worker.runUntil(async () => {
      const input = inputFor(full, taskQueue, await env.currentTimeMs());
      const handle = await startAppeal(env.client, { appealId: randomUUID(), submissionId: input.submissionId, skill: 'writing', policy: input.policy, excludedGraderIds: [excluded] }, taskQueue);
      await drive(handle, excluded);
      return handle.result();
    });
    return { output, calls };
  }
  const awaiting = async (handle: Awaited<ReturnType<typeof startAppeal>>) => {
    for (let i = 0; i < 200; i++) {
      if ((await handle.query(appealStateQuery)).phase === 'awaiting_review') return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the appeal review never opened');
  };

  it('when a marker of the result tries to decide its appeal, then it is refused; another senior decides, and the outcome is recorded', async () => {
    const { output, calls } = await appeal({ appeal: 'changed' }, async (handle, excluded) => {
      await awaiting(handle);
      const decision = { ...decisionFor('writing', 7), reviewId: appealReviewId };
      expect(await refusalOf(handle.executeUpdate(completeReviewUpdate, { args: [{ ...decision, graderId: excluded }] }))).toMatchObject({ type: reviewFailureTypes.alreadyMarked });
      expect(await handle.executeUpdate(completeReviewUpdate, { args: [decision] })).toMatchObject({ status: 'completed', source: 'appeal' });
    });
    expect(output).toMatchObject({ status: 'changed', version: 2 });
    expect(calls.map((c) => c.name)).toEqual(['openAppealReview', 'decideAppeal']);
  });

  it('when nobody decides the appeal in time, then its review is escalated once and it keeps waiting (time skipped)', async () => {
    const { output, calls } = await appeal({ policy: { reviewDueSeconds: 3600 } }, async (handle) => {
      await awaiting(handle);
      await env.sleep('2 hours');
      await env.sleep('10 days');
      expect((await handle.query(appealStateQuery)).review).toMatchObject({ escalated: true });
      await handle.executeUpdate(completeReviewUpdate, { args: [{ ...decisionFor('writing', 6), reviewId: appealReviewId }] });
    });
    expect(calls.filter((c) => c.name === 'escalateReview').map((c) => c.args[1])).toEqual(['review_overdue']);
    expect(output).toMatchObject({ status: 'upheld' });
  });

  it('when the submission is deleted before the decision is stored, then the appeal ends quietly', async () => {
    const { output } = await appeal({ appeal: 'gone' }, async (handle) => {
      await awaiting(handle);
      await handle.executeUpdate(completeReviewUpdate, { args: [{ ...decisionFor('writing', 6), reviewId: appealReviewId }] });
    });
    expect(output).toMatchObject({ status: 'deleted' });
  });
});
