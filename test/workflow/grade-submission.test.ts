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
import { completeReviewUpdate, reviewFailureTypes, type GradeSubmissionOutput, type ReviewDecision } from '../../src/grading/contract.ts';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { workflowInterceptorModules, workflowsPath } from '../../workers/create-grading-worker.ts';
import { testLogger } from '../helpers/platform.ts';
import { completeWhenAwaited, decisionFor, inputFor, startGrading, stateWhen, stubActivities, type Call, type Scenario } from './harness.ts';

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
    ['a low model confidence', { skill: 'writing', draft: { confidence: 0.3 } }, ['low_confidence'], 'medium'],
    ['an overall next to a level boundary', { skill: 'writing', draft: { score: 6 } }, ['near_level_boundary'], 'medium'],
    ['a prompt-injection flag', { skill: 'writing', draft: { flags: ['prompt_injection'] } }, ['prompt_injection'], 'high'],
    ['an offline scorer far from the LLM', { skill: 'writing', draft: { offlineOverall: 3 } }, ['offline_scorer_disagrees'], 'medium'],
    ['a transcript heard with low confidence', { skill: 'speaking', transcriptionConfidence: 0.2 }, ['low_transcription_confidence'], 'medium'],
    ['a second opinion far apart', { skill: 'writing', second: 5, policy: { secondOpinion: true } }, ['scorers_disagree'], 'medium'],
  ] as const)('when a hybrid draft has %s, then it goes to review with that reason and its AI draft', async (_case, over, reasons, priority) => {
    const { opened, output } = await grade({ mode: 'hybrid', ...over } as Scenario, review);
    expect(opened).toMatchObject({ reasons, priority });
    expect(opened!.draft).toMatchObject({ provider: 'stub' });
    expect(output).toMatchObject({ status: 'completed', source: 'human' });
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
